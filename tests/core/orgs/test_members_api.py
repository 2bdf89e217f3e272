"""Members through the API: registering, changing, masking, the audited identity view."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from core import clock
from core.orgs import id_numbers
from core.orgs.models import Member
from tests.core.orgs.helpers import World, ident, member_payload


def test_register_read_update_deactivate(world: World):
    branch = world.unit(name="第一党支部")
    number = ident(date(1975, 2, 14), 31)
    created = world.member(
        name="陈志强", id_number=number, branch_id=branch["id"], joined_on="1998-06-30"
    )
    assert created["birth_date"] == "1975-02-14"  # read from the ID number
    assert created["branch_name"] == "第一党支部"
    assert created["status"] == "formal" and created["status_title"] == "正式党员"
    assert created["is_veteran"] is False and created["is_active"] is True

    got = world.call("staff", "GET", f"/members/{created['id']}").get_json()
    assert got["name"] == "陈志强" and got["gender_title"] == "男"

    response = world.call(
        "registrar",
        "PATCH",
        f"/members/{created['id']}",
        json={"is_floating": True, "notes": "外出务工"},
    )
    assert response.status_code == 200
    updated = response.get_json()
    assert updated["is_floating"] is True and updated["notes"] == "外出务工"
    assert updated["joined_on"] == "1998-06-30"  # untouched by a partial update

    response = world.call("registrar", "DELETE", f"/members/{created['id']}")
    assert response.status_code == 200 and response.get_json()["is_active"] is False
    stored = world.stored("alpha", Member, created["id"])
    assert stored["is_active"] is False and stored["id_number"] == number  # kept, not deleted

    actions = [e.action for e in world.audit("alpha") if e.action.startswith("member.")]
    assert actions[:1] == ["member.created"]
    assert "member.updated" in actions and "member.deactivated" in actions


def test_audit_details_mask_the_id_number(world: World):
    old, new = ident(date(1980, 5, 6), 11), ident(date(1980, 5, 6), 13)
    member = world.member(id_number=old)
    world.call("admin", "PATCH", f"/members/{member['id']}", json={"id_number": new})
    [created] = world.audit("alpha", "member.created")
    [updated] = world.audit("alpha", "member.updated")
    assert created.detail["after"]["id_number"] == old[:3] + "*" * 11 + old[-4:]
    assert updated.detail == {
        "before": {"id_number": old[:3] + "*" * 11 + old[-4:]},
        "after": {"id_number": new[:3] + "*" * 11 + new[-4:]},
    }
    for entry in world.audit("alpha"):
        assert old not in str(entry.detail) and new not in str(entry.detail)


def test_masked_without_view_identity(world: World):
    number = ident()
    member = world.member(id_number=number)
    for who in ("registrar", "staff"):
        got = world.call(who, "GET", f"/members/{member['id']}").get_json()
        assert got["id_number"] == number[:3] + "***********" + number[-4:]
        listed = world.call(who, "GET", "/members").get_json()["items"]
        assert [m["id_number"] for m in listed] == [got["id_number"]]
        assert world.call(who, "POST", f"/members/{member['id']}/identity").status_code == 403
    assert world.audit("alpha", "member.identity_viewed") == []


def test_identity_view_is_unmasked_and_audited_every_time(world: World):
    number = ident()
    member = world.member(id_number=number)
    for _ in range(2):
        response = world.call("admin", "POST", f"/members/{member['id']}/identity")
        assert response.status_code == 200
        assert response.get_json() == {"id": member["id"], "name": "张三", "id_number": number}
    entries = world.audit("alpha", "member.identity_viewed")
    assert len(entries) == 2
    assert all(e.object_type == "members" and e.object_id == str(member["id"]) for e in entries)
    assert entries[0].actor_name == "管理员甲" and entries[0].detail["via"] == "api"
    assert number not in str(entries[0].detail)


def test_full_numbers_in_get_and_list_are_audited_too(world: World):
    number = ident()
    member = world.member(id_number=number)
    assert world.call("admin", "GET", f"/members/{member['id']}").get_json()["id_number"] == number
    assert world.call("admin", "GET", "/members").get_json()["items"][0]["id_number"] == number
    vias = [e.detail["via"] for e in world.audit("alpha", "member.identity_viewed")]
    assert vias == ["api.get", "api.list"]
    listed = world.audit("alpha", "member.identity_viewed")[1]
    assert listed.detail["member_ids"] == [member["id"]]


def test_veteran_flag_is_derived_from_joining_before_1949_10_01(world: World):
    veteran = world.member(
        name="王建国", id_number=ident(date(1929, 3, 12), 101), joined_on="1948-06-20"
    )
    late = world.member(name="李新", id_number=ident(date(1931, 1, 1), 103), joined_on="1949-10-01")
    assert veteran["is_veteran"] is True
    assert late["is_veteran"] is False


def test_patch_checks_the_merged_record(world: World):
    member = world.member(id_number=ident(date(1980, 5, 6), 11), joined_on="2005-07-01")
    # joining at 17, judged against the stored birth date
    response = world.call(
        "admin", "PATCH", f"/members/{member['id']}", json={"joined_on": "1997-07-01"}
    )
    assert response.status_code == 422
    assert response.get_json()["errors"] == {
        "joined_on": ["入党时应年满十八周岁（出生日期 1980-05-06）。"]
    }
    # a woman's ID number on a man
    response = world.call(
        "admin", "PATCH", f"/members/{member['id']}", json={"id_number": ident(sequence=12)}
    )
    assert response.status_code == 422
    assert list(response.get_json()["errors"]) == ["gender"]
    # a new ID number brings its own birth date
    response = world.call(
        "admin",
        "PATCH",
        f"/members/{member['id']}",
        json={"id_number": ident(date(1981, 1, 2), 11)},
    )
    assert response.status_code == 200 and response.get_json()["birth_date"] == "1981-01-02"
    # explicit nulls for required fields are refused
    response = world.call(
        "admin", "PATCH", f"/members/{member['id']}", json={"name": None, "gender": None}
    )
    assert response.get_json()["errors"] == {"name": ["不能为空。"], "gender": ["不能为空。"]}
    assert world.stored("alpha", Member, member["id"])["name"] == "张三"


def test_an_id_number_is_registered_once(world: World):
    first = world.member(id_number=ident())
    response = world.call("admin", "POST", "/members", json=member_payload(name="重复"))
    assert response.status_code == 422
    assert response.get_json()["errors"]["id_number"] == [
        f"该公民身份号码已登记（党员编号 {first['id']}）。"
    ]
    assert world.count("alpha", Member) == 1
    # another tenant is another register
    world.member("beta", name="乙县的张三")


def test_bad_input_names_each_field_in_chinese(world: World):
    tomorrow = (clock.today() + timedelta(days=1)).isoformat()
    response = world.call(
        "admin",
        "POST",
        "/members",
        json={
            "name": "张" * 51,
            "gender": "man",
            "birth_date": tomorrow,
            "id_number": ident()[:17] + ("0" if ident()[-1] != "0" else "1"),
            "phone": "call me",
            "branch_id": "first",
            "joined_on": "2020-02-30",
            "status": 1,
            "is_retired": "maybe",
            "notes": "x" * 2001,
            "nickname": "老张",
        },
    )
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == 422 and body["title"] == "提交的数据有误"
    assert body["errors"] == {
        "name": ["长度不能超过 50。"],
        "gender": ["应为以下之一：male, female。"],
        "birth_date": ["日期不能晚于今天。"],
        "id_number": ["公民身份号码校验位不正确，请逐位核对。"],
        "phone": ["请填写 11 位手机号码（1 开头），或带区号的固定电话（如 0571-88880000）。"],
        "branch_id": ["应为整数。"],
        "joined_on": ["不是有效的日期（格式 YYYY-MM-DD）。"],
        "status": ["应为文本。"],
        "is_retired": ["应为是或否。"],
        "notes": ["长度不能超过 2000。"],
        "nickname": ["未知字段。"],
    }
    assert world.count("alpha", Member) == 0


def test_missing_fields_and_wrong_body(world: World):
    response = world.call("admin", "POST", "/members", json={})
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"name": ["必填项。"], "gender": ["必填项。"]}
    response = world.call("admin", "POST", "/members", json=["张三"])
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("33012219800506001", "公民身份号码应为 18 位：前 17 位是数字，最后一位是数字或 X。"),
        ("3301221980050600AX", "公民身份号码应为 18 位：前 17 位是数字，最后一位是数字或 X。"),
        (
            id_numbers.make("330122", date(1980, 5, 6), 11)[:10] + "0230" + "0111",
            "公民身份号码第 7–14 位的出生日期不是真实的日期。",
        ),
        (
            "330122" + "18991231" + "0113",
            "公民身份号码中的出生日期不合理（早于 1900 年或晚于今天）。",
        ),
    ],
)
def test_id_number_shapes(world: World, number: str, message: str):
    response = world.call("admin", "POST", "/members", json=member_payload(id_number=number))
    assert response.status_code == 422
    assert response.get_json()["errors"]["id_number"] == [message]


def test_id_number_is_normalized(world: World):
    number = id_numbers.make("110105", date(1949, 12, 31), 2)  # ends in X
    assert number == "11010519491231002X"  # the example of GB 11643
    typed = " " + number[:-1] + "x "
    member = world.member(name="王芳", gender="female", id_number=typed, joined_on="1970-01-01")
    assert world.stored("alpha", Member, member["id"])["id_number"] == number


def test_dates_are_sane(world: World):
    cases = {
        "joined_on": ("1920-12-31", "入党日期不能早于 1921 年（中国共产党成立）。"),
        "birth_date": ("1899-12-31", "出生日期不能早于 1900 年。"),
    }
    for field_name, (value, message) in cases.items():
        payload = member_payload(id_number=..., **{field_name: value})
        response = world.call("admin", "POST", "/members", json=payload)
        assert response.get_json()["errors"][field_name] == [message]
    # a birth date that contradicts the ID number
    response = world.call("admin", "POST", "/members", json=member_payload(birth_date="1980-05-07"))
    assert response.get_json()["errors"] == {
        "birth_date": ["与公民身份号码中的出生日期（1980-05-06）不一致。"]
    }
    # joining on the 18th birthday is fine, the day before is not
    ok = member_payload(id_number=ident(date(1990, 3, 1), 11), joined_on="2008-03-01")
    assert world.call("admin", "POST", "/members", json=ok).status_code == 201
    early = member_payload(id_number=ident(date(1990, 3, 1), 13), joined_on="2008-02-29")
    assert world.call("admin", "POST", "/members", json=early).status_code == 422


def test_messages_follow_accept_language(world: World):
    english = {"Accept-Language": "en"}
    response = world.call(
        "admin", "POST", "/members", json={"gender": "x", "extra": 1}, headers=english
    )
    assert response.status_code == 422
    assert response.get_json()["errors"] == {
        "name": ["Missing data for required field."],
        "gender": ["Must be one of: male, female."],
        "extra": ["Unknown field."],
    }


def test_edit_and_identity_permissions(world: World):
    member = world.member()
    assert (
        world.call("staff", "POST", "/members", json=member_payload(id_number=...)).status_code
        == 403
    )
    assert (
        world.call("staff", "PATCH", f"/members/{member['id']}", json={"name": "x"}).status_code
        == 403
    )
    assert world.call("staff", "DELETE", f"/members/{member['id']}").status_code == 403
    assert world.call("staff", "GET", "/members/import-template").status_code == 403
    assert world.stored("alpha", Member, member["id"])["is_active"] is True


def test_unknown_ids_are_404_problems(world: World):
    for method in ("GET", "PATCH", "DELETE"):
        response = world.call(
            "admin", method, "/members/987654", json={} if method == "PATCH" else None
        )
        assert response.status_code == 404
        assert response.mimetype == "application/problem+json"
    assert world.call("admin", "GET", f"/members/{2**64}").status_code == 404
    assert world.call("admin", "GET", f"/units/{2**64}").status_code == 404


def test_routes_are_in_the_openapi_document(world: World):
    paths = world.client.get("/api/v1/openapi.json").get_json()["paths"]
    expected = {
        "/api/v1/t/{tenant}/orgs/units": {"get", "post"},
        "/api/v1/t/{tenant}/orgs/units/{unit_id}": {"get", "patch", "delete"},
        "/api/v1/t/{tenant}/orgs/members": {"get", "post"},
        "/api/v1/t/{tenant}/orgs/members/{member_id}": {"get", "patch", "delete"},
        "/api/v1/t/{tenant}/orgs/members/{member_id}/identity": {"post"},
        "/api/v1/t/{tenant}/orgs/members/export": {"get"},
        "/api/v1/t/{tenant}/orgs/members/import": {"post"},
        "/api/v1/t/{tenant}/orgs/members/import-template": {"get"},
    }
    for path, methods in expected.items():
        assert set(paths[path]) == methods, path
        for operation in paths[path].values():
            assert operation["summary"] and operation["summary"] != operation["operationId"]
