"""Another tenant's units and members: invisible (404), untouchable, unreferencable."""

from __future__ import annotations

from datetime import date

import pytest

from core.orgs.models import Member, OrgUnit
from tests.core.orgs.helpers import World, ident, member_payload, xlsx


@pytest.fixture
def theirs(world: World) -> dict:
    """beta's unit and member, and what the database holds for them."""
    unit = world.unit("beta", name="乙的支部", code="B01")
    member = world.member(
        "beta", name="乙的党员", branch_id=unit["id"], id_number=ident(date(1970, 1, 1), 11)
    )
    return {
        "unit": unit,
        "member": member,
        "unit_row": world.stored("beta", OrgUnit, unit["id"]),
        "member_row": world.stored("beta", Member, member["id"]),
        "audit": len(world.audit("beta")),
    }


def assert_untouched(world: World, theirs: dict) -> None:
    assert world.stored("beta", OrgUnit, theirs["unit"]["id"]) == theirs["unit_row"]
    assert world.stored("beta", Member, theirs["member"]["id"]) == theirs["member_row"]
    assert len(world.audit("beta")) == theirs["audit"]


def test_their_ids_are_404_on_every_route(world: World, theirs: dict):
    unit_id, member_id = theirs["unit"]["id"], theirs["member"]["id"]
    calls = [
        ("GET", f"/units/{unit_id}", None),
        ("PATCH", f"/units/{unit_id}", {"name": "改名"}),
        ("DELETE", f"/units/{unit_id}", None),
        ("GET", f"/members/{member_id}", None),
        ("PATCH", f"/members/{member_id}", {"name": "改名", "is_retired": True}),
        ("DELETE", f"/members/{member_id}", None),
        ("POST", f"/members/{member_id}/identity", None),
    ]
    for who in ("admin", "registrar"):
        for method, path, body in calls:
            if who == "registrar" and path.endswith("/identity"):
                continue  # refused for want of the permission before any lookup
            response = world.call(who, method, path, json=body)
            assert response.status_code == 404, (who, method, path)
            assert response.mimetype == "application/problem+json"
            assert "乙的" not in response.get_data(as_text=True)
    assert_untouched(world, theirs)


def test_their_rows_never_appear_in_our_lists_or_exports(world: World, theirs: dict):
    world.member(name="甲的党员", id_number=ident(date(1971, 1, 1), 11))
    listed = world.call("admin", "GET", "/members?include_inactive=true").get_json()["items"]
    assert [m["name"] for m in listed] == ["甲的党员"]
    assert world.call("admin", "GET", "/units?include_inactive=true").get_json() == []
    assert (
        world.call("admin", "GET", f"/members?branch_id={theirs['unit']['id']}").get_json()["items"]
        == []
    )
    export = world.call("admin", "GET", "/members/export").get_data()
    assert "乙的".encode() not in export


def test_their_unit_cannot_be_referenced(world: World, theirs: dict):
    foreign = theirs["unit"]["id"]
    response = world.call("admin", "POST", "/members", json=member_payload(branch_id=foreign))
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"branch_id": ["组织机构不存在。"]}
    response = world.call(
        "admin", "POST", "/units", json={"name": "挂到乙下", "kind": "branch", "parent_id": foreign}
    )
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"parent_id": ["组织机构不存在。"]}

    ours = world.member()
    unit = world.unit()
    response = world.call("admin", "PATCH", f"/members/{ours['id']}", json={"branch_id": foreign})
    assert response.status_code == 422
    response = world.call("admin", "PATCH", f"/units/{unit['id']}", json={"parent_id": foreign})
    assert response.status_code == 422
    assert world.stored("alpha", Member, ours["id"])["branch_id"] is None
    assert world.stored("alpha", OrgUnit, unit["id"])["parent_id"] is None
    assert world.count("alpha", Member) == 1 and world.count("alpha", OrgUnit) == 1
    assert_untouched(world, theirs)


def test_import_cannot_reach_their_units(world: World, theirs: dict):
    upload = xlsx(
        ["姓名", "性别", "所属党组织"], ["甲的党员", "男", "乙的支部"], ["甲的党员二", "女", "B01"]
    )
    response = world.call("admin", "POST", "/members/import", data={"file": (upload, "m.xlsx")})
    assert response.status_code == 422
    errors = response.get_json()["row_errors"]
    assert [e["row_number"] for e in errors] == [2, 3]
    assert world.count("alpha", Member) == 0
    assert_untouched(world, theirs)


def test_their_token_does_not_open_our_tenant(world: World, theirs: dict):
    ours = world.member()
    # Their token is not a token of ours: 401 everywhere, nothing of ours read or changed.
    for method, path in (("GET", "/members"), ("GET", f"/members/{ours['id']}"), ("GET", "/units")):
        assert world.call("beta", method, path, tenant="alpha").status_code == 401
    response = world.call(
        "beta", "PATCH", f"/members/{ours['id']}", tenant="alpha", json={"name": "x"}
    )
    assert response.status_code == 401
    assert world.stored("alpha", Member, ours["id"])["name"] == "张三"
