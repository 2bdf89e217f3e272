"""Org units through the API: the tree, its rules, permissions and audit."""

from __future__ import annotations

from core.orgs.models import OrgUnit
from tests.core.orgs.helpers import World


def test_create_list_in_tree_order_with_depth_and_member_counts(world: World):
    committee = world.unit(name="机关党委", kind="committee", code="JGDW")
    second = world.unit(name="第二党支部", parent_id=committee["id"], sort_order=2)
    first = world.unit(name="第一党支部", parent_id=committee["id"], sort_order=1)
    group = world.unit(name="第一党小组", kind="group", parent_id=first["id"])
    office = world.unit(name="办公室", kind="section", parent_id=committee["id"], sort_order=9)
    world.member(branch_id=first["id"])

    response = world.call("staff", "GET", "/units")
    assert response.status_code == 200
    units = response.get_json()
    assert [(u["name"], u["depth"], u["parent_id"]) for u in units] == [
        ("机关党委", 0, None),
        ("第一党支部", 1, committee["id"]),
        ("第一党小组", 2, first["id"]),
        ("第二党支部", 1, committee["id"]),
        ("办公室", 1, committee["id"]),
    ]
    assert {u["id"]: u["member_count"] for u in units}[first["id"]] == 1
    assert units[0]["kind_title"] == "党委"
    assert {group["id"], second["id"], office["id"]} <= {u["id"] for u in units}


def test_update_records_before_and_after_of_changed_fields(world: World):
    unit = world.unit(name="第一支部", code="ZB1")
    response = world.call("admin", "PATCH", f"/units/{unit['id']}", json={"name": "第一党支部"})
    assert response.status_code == 200
    assert response.get_json()["name"] == "第一党支部"
    assert response.get_json()["code"] == "ZB1"  # untouched
    [entry] = world.audit("alpha", "org_unit.updated")
    assert entry.object_id == str(unit["id"])
    assert entry.detail == {"before": {"name": "第一支部"}, "after": {"name": "第一党支部"}}
    assert [e.action for e in world.audit("alpha", "org_unit.created")] == ["org_unit.created"]


def test_a_unit_cannot_become_its_own_ancestor(world: World):
    top = world.unit(name="党委", kind="committee")
    middle = world.unit(name="党总支", kind="general_branch", parent_id=top["id"])
    bottom = world.unit(name="党支部", parent_id=middle["id"])
    for parent in (top["id"], bottom["id"]):
        response = world.call("admin", "PATCH", f"/units/{top['id']}", json={"parent_id": parent})
        assert response.status_code == 422
        assert response.mimetype == "application/problem+json"
        assert "下级" in response.get_json()["errors"]["parent_id"][0]
    assert world.stored("alpha", OrgUnit, top["id"])["parent_id"] is None


def test_codes_are_unique_within_the_tenant_only(world: World):
    world.unit(name="第一党支部", code="ZB01")
    response = world.call(
        "admin", "POST", "/units", json={"name": "另一个", "kind": "branch", "code": "ZB01"}
    )
    assert response.status_code == 422
    assert response.get_json()["errors"]["code"] == ["该编码已被本单位其他组织使用。"]
    world.unit("beta", name="乙的支部", code="ZB01")  # another tenant may use it


def test_deactivation_is_refused_while_members_or_children_remain(world: World):
    top = world.unit(name="党委", kind="committee")
    branch = world.unit(name="党支部", parent_id=top["id"])
    member = world.member(branch_id=branch["id"])

    response = world.call("admin", "DELETE", f"/units/{branch['id']}")
    assert response.status_code == 409
    assert "1 名在册党员" in response.get_json()["detail"]
    response = world.call("admin", "DELETE", f"/units/{top['id']}")
    assert response.status_code == 409

    assert world.call("admin", "DELETE", f"/members/{member['id']}").status_code == 200
    response = world.call("admin", "DELETE", f"/units/{branch['id']}")
    assert response.status_code == 200 and response.get_json()["is_active"] is False
    assert [u["id"] for u in world.call("admin", "GET", "/units").get_json()] == [top["id"]]
    everything = world.call("admin", "GET", "/units?include_inactive=true").get_json()
    assert [u["id"] for u in everything] == [top["id"], branch["id"]]
    assert world.audit("alpha", "org_unit.deactivated")[0].object_id == str(branch["id"])

    # nobody can be put into a deactivated unit
    response = world.call(
        "admin",
        "POST",
        "/members",
        json={"name": "李四", "gender": "female", "branch_id": branch["id"]},
    )
    assert response.status_code == 422
    assert response.get_json()["errors"]["branch_id"] == ["该组织机构已撤销。"]


def test_members_cannot_be_put_into_a_section(world: World):
    office = world.unit(name="办公室", kind="section")
    response = world.call(
        "admin",
        "POST",
        "/members",
        json={"name": "李四", "gender": "female", "branch_id": office["id"]},
    )
    assert response.status_code == 422
    assert "科室不是党组织" in response.get_json()["errors"]["branch_id"][0]


def test_units_need_manage_org_to_change_and_view_members_to_read(world: World):
    assert world.call("staff", "GET", "/units").status_code == 200
    assert (
        world.call("staff", "POST", "/units", json={"name": "x", "kind": "branch"}).status_code
        == 403
    )
    unit = world.unit("registrar", name="登记员建的支部")
    assert (
        world.call("staff", "PATCH", f"/units/{unit['id']}", json={"name": "y"}).status_code == 403
    )
    assert world.call("staff", "DELETE", f"/units/{unit['id']}").status_code == 403
    assert world.count("alpha", OrgUnit) == 1


def test_bad_unit_input_names_each_field(world: World):
    response = world.call(
        "admin",
        "POST",
        "/units",
        json={
            "name": "  ",
            "kind": "club",
            "code": "x" * 41,
            "sort_order": "first",
            "colour": "red",
        },
    )
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert errors == {
        "name": ["必填项。"],
        "kind": ["应为以下之一：committee, general_branch, branch, group, section。"],
        "code": ["长度不能超过 40。"],
        "sort_order": ["应为整数。"],
        "colour": ["未知字段。"],
    }
    response = world.call(
        "admin", "POST", "/units", json={"name": "x", "kind": "branch", "parent_id": 99999}
    )
    assert response.get_json()["errors"] == {"parent_id": ["组织机构不存在。"]}
    assert world.count("alpha", OrgUnit) == 0


def test_a_unit_with_members_cannot_become_a_section(world: World):
    branch = world.unit(name="第一党支部")
    world.member(branch_id=branch["id"])
    response = world.call("admin", "PATCH", f"/units/{branch['id']}", json={"kind": "section"})
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"kind": ["该组织下有在册党员，不能改为科室。"]}
    assert world.stored("alpha", OrgUnit, branch["id"])["kind"] == "branch"
