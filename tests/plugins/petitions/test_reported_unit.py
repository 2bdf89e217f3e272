"""信访工作条例 Art. 30, the reported person's unit: where the tenant turns on
``recuse_reported_unit``, a member placed in the org unit a reported person is tied to
gets 404 on that petition everywhere — detail, moves, pages, list, search, the shell's
search box, ledger export, statistics and their drill-down lists, the to-do list — like
the reported person himself. With the setting off (the default) the unit's people see it
as before, and people of other units always do (issue 12)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from core.auth.models import Membership
from core.db import db
from core.orgs.models import OrgUnit
from core.plugins.enablement import update_settings
from core.tenancy.models import Tenant
from tests.plugins.petitions.web import World, report_payload
from tests.plugins.petitions.web import world as world  # noqa: F401 - the fixture

SUMMARY = "举报某乡镇干部吃拿卡要"


def _unit(world: World, slug: str = "county", name: str = "某乡镇党委") -> int:
    def make() -> int:
        unit = OrgUnit(name=name, kind="committee")
        db.session.add(unit)
        db.session.commit()
        return unit.id

    return world.in_tenant(slug, make)


def _place(world: World, who: str, unit_id: int | None) -> None:
    def place() -> None:
        membership = db.session.scalar(
            select(Membership).where(Membership.user_id == world.users[who])
        )
        membership.org_unit_id = unit_id
        db.session.commit()

    world.in_tenant("county", place)


def _rule(world: World, on: bool) -> None:
    def change() -> None:
        tenant = db.session.scalar(select(Tenant).where(Tenant.slug == "county"))
        update_settings(tenant, "petitions", {"recuse_reported_unit": on})
        db.session.commit()

    world.in_tenant("county", change)


def _report(world: World, unit_id: int, **overrides) -> dict:
    reported = [{"name": "赵某", "unit": "某乡镇", "unit_id": unit_id, "post": "副书记"}]
    payload = report_payload(summary=SUMMARY, reported_persons=reported, **overrides)
    response = world.call("clerk", "POST", json=payload)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


@pytest.fixture
def unit_world(world: World) -> tuple[World, dict]:
    unit = _unit(world)
    _place(world, "li", unit)
    return world, _report(world, unit, channel="online")


def _sees(world: World, who: str, body: dict) -> dict[str, bool]:
    """Where ``who`` meets the petition, reach by reach."""
    pid, serial = body["id"], body["serial"]
    today = date.today().isoformat()
    listed = world.call(who, "GET", query_string={"received_from": today, "kind": "report"})
    found = world.call(who, "GET", query_string={"q": serial}).get_json()["items"]
    sheet = load_workbook(io.BytesIO(world.call(who, "GET", "/export").data)).active
    cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c]
    stats = world.call(who, "GET", "/statistics", query_string={"period": "year"}).get_json()
    world.login(who)
    # By a word of the summary: the box echoes the query, the hit shows the summary.
    shell = world.client.get("/t/county/search", query_string={"q": "吃拿卡要"})
    todo = world.client.get("/t/county/todo").get_data(as_text=True)
    return {
        "api": world.call(who, "GET", f"/{pid}").status_code == 200,
        "history": world.call(who, "GET", f"/{pid}/history").status_code == 200,
        "conflicts": world.call(who, "GET", f"/{pid}/conflicts").status_code == 200,
        "page": world.page(f"/{pid}").status_code == 200,
        "list": pid in [row["id"] for row in listed.get_json()["items"]],
        "search": [row["id"] for row in found] == [pid],
        "shell_search": SUMMARY in shell.get_data(as_text=True),
        "ledger": serial in cells,
        "statistics": stats["totals"]["total"] == 1,
        "todo": serial in todo,
    }


def test_the_reported_unit_sees_the_petition_while_the_setting_is_off(unit_world):
    world, body = unit_world
    assert all(_sees(world, "li", body).values()), _sees(world, "li", body)


def test_with_the_setting_on_the_unit_gets_404_everywhere(unit_world):
    world, body = unit_world
    _rule(world, True)
    seen = _sees(world, "li", body)
    assert not any(seen.values()), seen
    assert world.fire("li", body["id"], "screen").status_code == 404
    # The clerk, in no unit, and the leader keep seeing it; the move stays undone.
    assert all(_sees(world, "clerk", body).values())
    assert world.call("leader", "GET", f"/{body['id']}").get_json()["state"] == "registered"


def test_another_unit_and_a_petition_about_another_unit_stay_visible(unit_world):
    world, body = unit_world
    _rule(world, True)
    other_unit = _unit(world, name="某局")
    about_other = _report(world, other_unit)
    assert world.call("li", "GET", f"/{about_other['id']}").status_code == 200
    _place(world, "li", other_unit)
    assert world.call("li", "GET", f"/{body['id']}").status_code == 200
    assert world.call("li", "GET", f"/{about_other['id']}").status_code == 404
    _rule(world, False)
    assert world.call("li", "GET", f"/{about_other['id']}").status_code == 200


def test_a_reported_unit_must_be_the_tenants_own(world: World):
    foreign = _unit(world, "other", "外单位党委")
    reported = [{"name": "赵某", "unit_id": foreign}]
    for unit_id in (foreign, 2**63, 0):
        reported = [{"name": "赵某", "unit_id": unit_id}]
        response = world.call("clerk", "POST", json=report_payload(reported_persons=reported))
        assert response.status_code == 422, unit_id
        errors = response.get_json()["errors"]["reported_persons"]["0"]["unit_id"]
        assert errors == ["本单位没有该组织机构。"]
    body = _report(world, _unit(world))
    assert body["reported_persons"][0]["unit_id"] is not None


def test_the_reported_user_is_not_counted_in_his_statistics(world: World):
    """The statistics of the reported person himself, and the drill-down list behind
    them, leave out the petition about him (the rule on users needs no setting)."""
    world.register(summary="反映道路维修问题")
    reported = [{"name": "李某", "user_id": world.users["li"]}]
    world.call("clerk", "POST", json=report_payload(reported_persons=reported))
    query = {"period": "year"}
    mine = world.call("li", "GET", "/statistics", query_string=query).get_json()
    theirs = world.call("clerk", "GET", "/statistics", query_string=query).get_json()
    assert (mine["totals"]["total"], theirs["totals"]["total"]) == (1, 2)
    kinds = {b["key"]: b["count"] for b in mine["by_kind"]}
    assert "report" not in kinds
    drill = world.call("li", "GET", query_string={"kind": "report"}).get_json()["items"]
    assert drill == []


def test_the_register_page_ties_the_reported_person_to_a_unit(world: World):
    from tests.plugins.petitions.test_pages import register_form

    unit = _unit(world)
    csrf = world.login("clerk")
    page = world.page("/new").get_data(as_text=True)
    assert f'<option value="{unit}">某乡镇党委</option>' in page
    form = register_form(
        **{
            "kind": "report",
            "reported_persons-0-name": "赵某",
            "reported_persons-0-unit": "某乡镇",
            "reported_persons-0-unit_id": str(unit),
        }
    )
    response = world.post_page("/new", csrf, form)
    assert response.status_code == 302, response.get_data(as_text=True)
    pid = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    (row,) = world.call("leader", "GET", f"/{pid}").get_json()["reported_persons"]
    assert (row["unit"], row["unit_id"]) == ("某乡镇", unit)
    # A unit of another tenant, typed into the form, is a field error beside the row.
    foreign = _unit(world, "other", "外单位党委")
    refused = world.post_page("/new", csrf, {**form, "reported_persons-0-unit_id": str(foreign)})
    assert refused.status_code == 422
    assert 'data-error-for="reported_persons-0-unit_id"' in refused.get_data(as_text=True)
