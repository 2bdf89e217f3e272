"""The clerk's and leader's pages: register with several petitioners, the filtered list
with its "next page", the detail page with the timeline, deadlines and only the moves
this user may make, errors of a refused move beside its form."""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import select

from core.db import db
from plugins.petitions.models import Petition, PetitionConflict, Petitioner, ReportedPerson
from tests.factories import Factory
from tests.plugins.petitions.web import World, ident, report_payload
from tests.plugins.petitions.web import world as world  # noqa: F401 - the fixture


def text(response) -> str:
    return response.get_data(as_text=True)


def register_form(**overrides) -> dict[str, str]:
    form = {
        "received_on": date.today().isoformat(),
        "channel": "visit",
        "kind": "request",
        "urgency": "normal",
        "summary": "反映村集体收益分配问题",
        "petitioners-0-name": "刘大山",
        "petitioners-0-id_number": ident(),
        "petitioners-0-phone": "13600000001",
        "petitioners-0-is_representative": "1",
        "petitioners-1-name": "刘二河",
        "petitioners-2-name": "",  # a blank row is ignored
        "reported_persons-0-name": "",
    }
    form.update(overrides)
    return form


def test_navigation_and_permissions(world: World):
    world.login("clerk")
    html = text(world.page())
    assert 'data-endpoint="petitions.index"' in html and 'data-endpoint="petitions.new"' in html
    assert 'data-endpoint="petitions.category_list"' not in html  # leaders keep the taxonomy
    world.login("staff")
    assert 'data-endpoint="petitions.index"' not in text(world.client.get("/t/county/"))
    assert world.page().status_code == 403
    assert world.page("/new").status_code == 403


def test_register_a_collective_visit_on_the_page(world: World):
    csrf = world.login("clerk")
    assert "登记信访件" in text(world.page("/new"))
    category = world.category("村（社区）“两委”换届")
    response = world.post_page(
        "/new",
        csrf,
        register_form(category_id=str(category), people_count="8", is_bypassed_level="1"),
    )
    assert response.status_code == 302, text(response)
    detail = world.client.get(response.headers["Location"])
    html = text(detail)
    assert "刘大山" in html and "刘二河" in html and "集体访" in html and "越级" in html
    assert ident() not in html  # the ID number is masked on the page
    assert "村（社区）“两委”换届" in html
    assert world.count(Petitioner) == 2


def test_register_form_errors_keep_the_input_and_write_nothing(world: World):
    csrf = world.login("clerk")
    response = world.post_page(
        "/new",
        csrf,
        register_form(
            summary="",
            **{"petitioners-0-id_number": "123", "category_id": "987654321"},
        ),
    )
    assert response.status_code == 422
    html = text(response)
    assert 'data-error-for="summary"' in html
    assert 'data-error-for="petitioners-0-id_number"' in html
    assert 'data-error-for="category_id"' in html
    assert 'value="刘大山"' in html  # what was typed stays
    anonymous_with_people = world.post_page("/new", csrf, register_form(is_anonymous="1"))
    # Anonymous: the petitioner rows are dropped, so this one registers without them.
    assert anonymous_with_people.status_code == 302
    assert world.count(Petitioner) == 0 and world.count(Petition) == 1
    no_one = world.post_page(
        "/new", csrf, register_form(**{"petitioners-0-name": "", "petitioners-1-name": ""})
    )
    assert no_one.status_code == 422 and 'data-error-for="petitioners"' in text(no_one)
    assert world.count(Petition) == 1


def test_a_report_with_reported_persons_on_the_page(world: World):
    csrf = world.login("clerk")
    response = world.post_page(
        "/new",
        csrf,
        register_form(
            kind="report",
            **{"reported_persons-0-name": "赵某", "reported_persons-0-unit": "某乡镇"},
        ),
    )
    assert response.status_code == 302
    assert world.count(ReportedPerson) == 1
    html = text(world.client.get(response.headers["Location"]))
    assert "赵某" in html and "刘大山" not in html  # the reporter's name is withheld


def test_script_in_text_renders_inert(world: World):
    body = world.register(
        summary="<script>alert(1)</script>", details="<img src=x onerror=alert(1)>"
    )
    world.login("clerk")
    html = text(world.page(f"/{body['id']}"))
    assert (
        "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    )
    assert "<img src=x" not in html
    listing = text(world.page())
    assert "<script>alert(1)</script>" not in listing


def test_list_filters_stay_in_the_query_string_and_pages_follow(world: World):
    for d in range(3):
        world.register(
            received_on=(date.today() - timedelta(days=d)).isoformat(), summary=f"退休待遇{d}"
        )
    world.register(summary="别的事")
    world.login("clerk")
    page = world.page("", query_string={"q": "退休待遇", "limit": "2"})
    html = text(page)
    assert html.count("data-petition-id=") == 2 and "别的事" not in html
    next_url = re.search(r'href="([^"]+)" id="next-page"', html).group(1).replace("&amp;", "&")
    assert "q=" in next_url and "cursor=" in next_url
    second = text(world.client.get(next_url))
    assert second.count("data-petition-id=") == 1 and 'id="first-page"' in second
    export = re.search(r'href="([^"]+)" id="export-link"', html).group(1)
    assert "q=" in export and "/api/v1/t/county/petitions/export" in export
    assert world.client.get(export.replace("&amp;", "&")).status_code == 200
    # A bad filter shows everything and says what is wrong.
    bad = world.page("", query_string={"received_from": "yesterday"})
    assert bad.status_code == 200 and 'data-error-for="received_from"' in text(bad)
    stale = world.page("", query_string={"cursor": "garbage"})
    assert stale.status_code == 200 and "翻页链接已失效" in text(stale)


def test_detail_offers_only_this_users_moves(world: World):
    pid = world.register()["id"]
    world.fire("clerk", pid, "accept")
    world.login("clerk")
    html = text(world.page(f"/{pid}"))
    assert 'id="action-assign_handler"' in html
    # Each move is shown open under its title and where it leads, none folded away.
    assert "<details" not in html and "<summary" not in html
    assert re.search(r'id="move-assign_handler-title">\s*指定承办人\s*<small[^>]*>→ 办理中', html)
    assert "张专干" in html and "李干事" in html  # handler choices
    assert 'id="action-approve"' not in html and 'id="action-extend"' not in html
    assert "受理期限" not in html and "办结期限" in html and "zg-deadline" in html
    assert re.search(r'data-transition="create".*data-transition="accept"', html, re.S)
    world.fire("clerk", pid, "assign_handler", handler_user_id=world.users["clerk"])
    world.login("leader")
    html = text(world.page(f"/{pid}"))
    assert 'id="action-extend"' in html and 'id="action-draft"' in html
    assert "支持" in html and "属实" not in html  # outcomes for a request, not a report
    world.fire("leader", pid, "extend", days=5, reason="调查")
    assert 'id="action-extend"' not in text(world.page(f"/{pid}"))  # only once


def test_moves_on_the_page_and_a_guard_refusal_shown_beside_the_form(world: World):
    pid = world.register()["id"]
    csrf = world.login("clerk")
    refused = world.post_page(f"/{pid}/transitions/not_accept", csrf, {"reason": ""})
    assert refused.status_code == 422 and 'data-error-for="reason"' in text(refused)
    done = world.post_page(f"/{pid}/transitions/accept", csrf, {"comment": "属本部门"})
    assert done.status_code == 302
    # 李干事 declared a conflict: naming them answers the guard's reason, nothing moves.
    world.call("li", "POST", f"/{pid}/conflicts", json={"reason": "亲属"})
    refused = world.post_page(
        f"/{pid}/transitions/assign_handler", csrf, {"handler_user_id": str(world.users["li"])}
    )
    assert refused.status_code == 409
    assert "承办人已声明回避此件" in text(
        refused
    ) and 'zg-move-failed" id="action-assign_handler"' in text(refused)
    assert world.call("clerk", "GET", f"/{pid}").get_json()["state"] == "accepted"
    assert world.post_page(f"/{pid}/transitions/approve", csrf, {}).status_code == 409
    assert world.post_page(f"/{pid}/transitions/nonsense", csrf, {}).status_code == 404
    ok = world.post_page(
        f"/{pid}/transitions/assign_handler", csrf, {"handler_user_id": str(world.users["clerk"])}
    )
    assert ok.status_code == 302
    html = text(world.client.get(ok.headers["Location"]))
    assert "已执行“指定承办人”" in html and "承办人" in html


def test_declare_a_conflict_on_the_page(world: World):
    pid = world.call("clerk", "POST", json=report_payload()).get_json()["id"]
    csrf = world.login("li")
    assert world.post_page(f"/{pid}/conflicts", csrf, {"reason": ""}).status_code == 422
    response = world.post_page(f"/{pid}/conflicts", csrf, {"reason": "与被反映人系同学"})
    assert response.status_code == 302
    html = text(world.client.get(response.headers["Location"]))
    assert "与被反映人系同学" in html and "李干事" in html
    assert world.count(PetitionConflict) == 1
    theirs = world.register("outsider")["id"]
    assert world.post_page(f"/{theirs}/conflicts", csrf, {"reason": "x"}).status_code == 404
    assert world.page(f"/{theirs}").status_code == 404


def test_forward_and_assign_on_the_page_offer_this_platforms_tenants(world: World):
    pid = world.register()["id"]
    csrf = world.login("leader")
    detail = text(world.page(f"/{pid}"))
    assert "other单位" in detail and "town单位" in detail  # forward: any; assign: children

    other = Factory(world.app).tenant_id("other")
    wrong = world.post_page(
        f"/{pid}/transitions/assign",
        csrf,
        {"target_tenant_id": str(other), "report_back_due": "2099-01-01"},
    )
    assert wrong.status_code == 422 and "只能交办给本单位的下级单位" in text(wrong)
    assert world.count(Petition, "other") == 0

    done = world.post_page(
        f"/{pid}/transitions/forward",
        csrf,
        {"target_tenant_id": str(other), "comment": "属纪检职责"},
    )
    assert done.status_code == 302
    copies = world.in_tenant(
        "other",
        lambda: [(p.source_petition_id, p.channel) for p in db.session.scalars(select(Petition))],
    )
    assert copies == [(pid, "referred")]
