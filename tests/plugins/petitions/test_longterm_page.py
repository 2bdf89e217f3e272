"""The 信访老户 page: the to-do items open it (not the JSON API), approvers assign the
leader in charge and the cycle, the leader records the periodic review; bad input is
shown beside its field and changes nothing; another tenant's record is a 404."""

from __future__ import annotations

from datetime import date

from core.db import db
from plugins.petitions.models import LongtermPetitioner
from plugins.petitions.services.longterm import flag_tenant
from plugins.petitions.todo import todo_items
from tests.factories import csrf_token, login
from tests.plugins.petitions.web import World, ident
from tests.plugins.petitions.web import world as world  # noqa: F401 - the fixture


def _flagged(world: World) -> int:
    """One person with five petitions this year: flagged as frequent."""
    for _ in range(5):
        world.register(petitioners=[{"name": "钱某", "id_number": ident(date(1960, 1, 1))}])

    def flag() -> int:
        flag_tenant()
        db.session.commit()
        return db.session.scalar(db.select(LongtermPetitioner.id))

    return world.in_tenant("county", flag)


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_the_leader_is_assigned_and_records_the_review_on_the_page(world: World):
    record_id = _flagged(world)
    csrf = world.login("leader")
    html = _text(world.page("/longterm"))
    assert f'data-longterm-id="{record_id}"' in html and "钱某" in html and "未指定" in html
    assert "196" not in html.split(f'data-longterm-id="{record_id}"')[1].split("</td>")[0]
    refused = world.post_page(f"/longterm/{record_id}", csrf, {"review_months": "13"})
    assert refused.status_code == 422 and 'data-error-for="review_months"' in _text(refused)
    leader = str(world.users["leader"])
    saved = world.post_page(
        f"/longterm/{record_id}", csrf, {"leader_user_id": leader, "review_months": "2"}
    )
    assert saved.status_code == 302
    html = _text(world.page("/longterm", query_string={"mine": "1"}))
    assert "王部长" in html and "每 2 个月研判" in html
    empty = world.post_page(f"/longterm/{record_id}/review", csrf, {"note": ""})
    assert empty.status_code == 422 and 'data-error-for="note"' in _text(empty)
    done = world.post_page(f"/longterm/{record_id}/review", csrf, {"note": "已走访，正在落实"})
    assert done.status_code == 302
    assert "已走访，正在落实" in _text(world.page("/longterm"))
    assert len(world.audit("petition_longterm.reviewed")) == 1


def test_a_clerk_sees_the_list_but_cannot_assign(world: World):
    record_id = _flagged(world)
    csrf = world.login("clerk")
    html = _text(world.page("/longterm"))
    assert "钱某" in html and 'data-longterm-form="update"' not in html
    assert (
        world.post_page(f"/longterm/{record_id}", csrf, {"review_months": "2"}).status_code == 403
    )
    # Not in charge and not an approver: recording a review is refused too.
    assert world.post_page(f"/longterm/{record_id}/review", csrf, {"note": "x"}).status_code == 403


def test_another_tenants_record_is_not_found(world: World):
    record_id = _flagged(world)
    world.client.post("/logout", data={"csrf_token": csrf_token(world.client)})
    assert login(world.client, "outsider").status_code == 302
    csrf = csrf_token(world.client, "/t/other/petitions/longterm")
    for path, data in [("", {"review_months": "2"}), ("/review", {"note": "越权"})]:
        response = world.client.post(
            f"/t/other/petitions/longterm/{record_id}{path}", data={"csrf_token": csrf, **data}
        )
        assert response.status_code == 404
    assert "钱某" not in world.client.get("/t/other/petitions/longterm").get_data(as_text=True)
    assert world.audit("petition_longterm.reviewed") == []


def test_the_to_do_item_opens_the_page(world: World):
    _flagged(world)

    def items():
        from core.auth.models import User
        from core.auth.users import Actor
        from core.tenancy.models import Tenant

        county = db.session.scalar(db.select(Tenant).where(Tenant.slug == "county"))
        leader = Actor(
            user=db.session.get(User, world.users["leader"]),
            permissions=frozenset({"petitions.view", "petitions.approve"}),
        )
        return [i.url for i in todo_items(county, leader) if i.kind == "petition.longterm_leader"]

    with world.app.test_request_context():
        (url,) = world.in_tenant("county", items)
    assert url == "/t/county/petitions/longterm"
    world.login("leader")
    assert world.client.get(url).status_code == 200
