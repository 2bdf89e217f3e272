"""党员信息登记表: the member's data in core's default template, ID numbers and their audit."""

from __future__ import annotations

from urllib.parse import quote

from core.orgs.fields import mask
from tests.core.documents.conftest import NUMBER
from tests.core.documents.helpers import DOCX, docx_text
from tests.core.orgs.helpers import World
from tests.factories import login

API = "/api/v1/t/{tenant}/orgs/members/{id}/form.docx"
PAGE = "/t/{tenant}/orgs/members/{id}/form.docx"


def form(world: World, who: str, member_id: int, tenant: str = "alpha"):
    return world.client.get(
        API.format(tenant=tenant, id=member_id), headers={"Authorization": _auth(world, who)}
    )


def _auth(world: World, who: str) -> str:
    return f"Bearer {world.tokens[who]}"


def set_unit_full_name(world: World, who: str, value: str, tenant: str = "alpha") -> None:
    response = world.client.patch(
        f"/api/v1/t/{tenant}/settings/core",
        json={"unit_full_name": value},
        headers={"Authorization": _auth(world, who)},
    )
    assert response.status_code == 200, response.get_json()


def test_the_default_form_carries_the_member_and_the_unit(world: World, member: dict):
    set_unit_full_name(world, "admin", "中共甲县委员会组织部")
    response = form(world, "staff", member["id"])
    assert response.status_code == 200
    assert response.headers["Content-Type"] == DOCX
    disposition = response.headers["Content-Disposition"]
    assert quote("党员信息登记表_李红梅.docx") in disposition
    text = docx_text(response.get_data())
    assert "党员信息登记表" in text
    for expected in (
        "李红梅",
        "女",
        "1980年5月6日",
        "机关第一党支部",
        "2005年7月1日",
        "正式党员",
        "中共甲县委员会组织部",
    ):
        assert expected in text, expected
    assert "{{" not in text and "}}" not in text


def test_without_a_full_unit_name_the_tenant_name_signs(world: World, member: dict):
    text = docx_text(form(world, "staff", member["id"]).get_data())
    assert "甲县委组织部" in text


def test_the_page_serves_the_same_form_to_a_logged_in_member(world: World, member: dict):
    assert login(world.client, "sam").status_code == 302
    response = world.client.get(PAGE.format(tenant="alpha", id=member["id"]))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == DOCX
    assert "李红梅" in docx_text(response.get_data())


def test_the_id_number_is_masked_without_view_identity(world: World, member: dict):
    for who in ("staff", "registrar"):
        text = docx_text(form(world, who, member["id"]).get_data())
        assert mask(NUMBER) in text
        assert NUMBER not in text
    assert world.audit("alpha", "member.identity_viewed") == []


def test_the_full_id_number_is_shown_to_view_identity_and_audited(world: World, member: dict):
    text = docx_text(form(world, "admin", member["id"]).get_data())
    assert NUMBER in text
    [entry] = world.audit("alpha", "member.identity_viewed")
    assert entry.object_type == "members"
    assert entry.object_id == str(member["id"])
    assert entry.actor_name == "管理员甲"
    assert entry.detail["via"] == "document.api"
    assert NUMBER not in str(entry.detail)  # the log never holds the raw number

    assert login(world.client, "alice").status_code == 302
    world.client.get(PAGE.format(tenant="alpha", id=member["id"]))
    vias = [e.detail["via"] for e in world.audit("alpha", "member.identity_viewed")]
    assert vias == ["document.api", "document.page"]


def test_a_member_without_an_id_number_prints_blank_and_audits_nothing(world: World):
    found = world.member(name="王五", id_number=None)
    response = form(world, "admin", found["id"])
    assert response.status_code == 200
    assert "王五" in docx_text(response.get_data())
    assert world.audit("alpha", "member.identity_viewed") == []


def test_another_tenants_member_is_not_found(world: World, member: dict):
    assert form(world, "beta", member["id"], tenant="beta").status_code == 404
    # Their token is not a token of ours: 401, and nothing of ours comes back.
    assert form(world, "beta", member["id"], tenant="alpha").status_code == 401
    assert form(world, "admin", 987654321).status_code == 404
    assert login(world.client, "bob").status_code == 302
    assert world.client.get(PAGE.format(tenant="beta", id=member["id"])).status_code == 404
    assert world.audit("beta", "member.identity_viewed") == []


def test_the_form_needs_view_members(world: World, factory, member: dict):
    person = factory.user("alpha", "nobody", roles=[])
    token = factory.token(person)
    response = world.client.get(
        API.format(tenant="alpha", id=member["id"]), headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 403
