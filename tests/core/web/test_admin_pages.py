"""The tenant administration pages: who may see them, and what their forms do."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

import lxml.html
import pytest
from sqlalchemy import select

from core.audit.models import AuditEntry
from core.auth.models import ApiToken, Membership, Role
from core.db import db
from core.tenancy.models import TenantPlugin
from tests.core.web.conftest import in_tenant
from tests.factories import Factory, csrf_token, login

PAGES = ["/", "/users", "/roles", "/plugins", "/settings", "/tokens", "/audit"]
ADMIN_ONLY = ["/", "/users", "/roles", "/plugins", "/settings", "/audit"]


def _post(client, path: str, data: dict | None = None, csrf: bool = True):
    payload = dict(data or {})
    if csrf:
        payload["csrf_token"] = csrf_token(client, "/t/a/admin/tokens")
    return client.post(path, data=payload)


def _membership_id(app, slug: str, user_id: int) -> int:
    with in_tenant(app, slug):
        return db.session.scalar(select(Membership.id).where(Membership.user_id == user_id))


def _own_settings(app, slug: str, plugin: str) -> dict:
    with in_tenant(app, slug) as tenant:
        row = db.session.get(TenantPlugin, (tenant.id, plugin))
        return dict(row.settings or {}) if row else {}


@pytest.fixture
def admin(client, world):
    login(client, "alice")
    return client


@pytest.fixture
def staff(client, world):
    login(client, "sam")
    return client


def test_every_admin_page_renders_for_an_admin(admin):
    for page in PAGES:
        response = admin.get("/t/a/admin" + page)
        assert response.status_code == 200, page
        html = response.get_data(as_text=True)
        assert 'id="admin-tabs"' in html
        assert "单位管理" in html
    assert 'data-endpoint="admin.index"' in admin.get("/t/a/admin/").get_data(as_text=True)


def test_staff_gets_403_except_for_their_own_tokens(staff):
    for page in ADMIN_ONLY:
        response = staff.get("/t/a/admin" + page)
        assert response.status_code == 403, page
        assert '<h1 class="display-6">403</h1>' in response.get_data(as_text=True)
    tokens = staff.get("/t/a/admin/tokens")
    assert tokens.status_code == 200
    assert "我的令牌" in tokens.get_data(as_text=True)
    for path in ("/plugins/assistance/enable", "/settings/core", "/users"):
        assert _post(staff, "/t/a/admin" + path, {"warning_days": "5"}).status_code == 403


def test_another_tenants_admin_pages_are_404(admin, app, world):
    assert admin.get("/t/b/admin/").status_code == 404
    bob_m = _membership_id(app, "b", world.bob.user_id)
    assert admin.get(f"/t/a/admin/users/{bob_m}").status_code == 404
    with in_tenant(app, "b"):
        b_staff = db.session.scalar(select(Role.id).where(Role.key == "staff"))
    assert admin.get(f"/t/a/admin/roles/{b_staff}").status_code == 404
    response = _post(admin, f"/t/a/admin/roles/{b_staff}", {"title": "x", "permissions": []})
    assert response.status_code == 404
    with in_tenant(app, "b"):
        assert db.session.get(Role, b_staff).title == "工作人员"


def test_enable_and_disable_a_plugin_through_the_page(admin, app):
    page = admin.get("/t/a/admin/plugins").get_data(as_text=True)
    assert 'data-plugin="assistance" data-enabled="no"' in page
    assert "data-confirm=" in page

    assert _post(admin, "/t/a/admin/plugins/assistance/enable", csrf=False).status_code == 400
    assert "assistance" not in _enabled(app)

    response = _post(admin, "/t/a/admin/plugins/assistance/enable")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/t/a/admin/plugins?grant=assistance#grant")
    assert _enabled(app)["assistance"] is True
    page = admin.get("/t/a/admin/plugins").get_data(as_text=True)
    assert "已启用 困难党员帮扶，请为需要使用的人员授予该模块的角色。" in page
    assert 'data-plugin="assistance" data-enabled="yes"' in page

    assert _post(admin, "/t/a/admin/plugins/assistance/disable").status_code == 302
    assert _enabled(app)["assistance"] is False
    assert _post(admin, "/t/a/admin/plugins/nope/enable").status_code == 404


def test_enabling_offers_the_plugins_roles_in_the_same_step(admin, app, world):
    """Issue 13: enabling a plugin left its admin with a 403 and no menu; the page now
    offers the plugin's roles to the tenant's users, and the ticked ones are granted."""
    _post(admin, "/t/a/admin/plugins/assistance/enable")
    offer = lxml.html.fromstring(admin.get("/t/a/admin/plugins?grant=assistance").data)
    boxes = offer.xpath("//div[@id='grant']//input[@name='grant']/@value")
    sam = _membership_id(app, "a", world.sam.user_id)
    assert f"{sam}:assistance_clerk" in boxes and f"{sam}:assistance_leader" in boxes
    assert not [b for b in boxes if b.endswith(":admin")]  # only the plugin's own roles
    granted = _post(
        admin, "/t/a/admin/plugins/assistance/roles", {"grant": [f"{sam}:assistance_clerk"]}
    )
    assert granted.status_code == 302
    login(admin, "sam")
    assert admin.get("/t/a/assistance/").status_code == 200
    refused = admin.post(
        "/t/a/admin/plugins/assistance/roles",
        data={"grant": [f"{sam}:assistance_leader"], "csrf_token": csrf_token(admin, "/t/a/")},
    )
    assert refused.status_code == 403  # sam may not grant roles at all


def test_only_the_enabled_plugins_roles_can_be_granted(admin, app, world):
    _post(admin, "/t/a/admin/plugins/assistance/enable")
    sam = _membership_id(app, "a", world.sam.user_id)
    refused = _post(admin, "/t/a/admin/plugins/assistance/roles", {"grant": [f"{sam}:admin"]})
    assert refused.status_code == 422
    assert "只能授予该功能模块的角色" in refused.get_data(as_text=True)
    assert _post(admin, "/t/a/admin/plugins/supervision/roles", {"grant": []}).status_code == 404


def _enabled(app) -> dict[str, bool]:
    with in_tenant(app, "a") as tenant:
        rows = db.session.scalars(select(TenantPlugin).where(TenantPlugin.tenant_id == tenant.id))
        return {r.plugin: r.enabled for r in rows}


def test_the_plugins_page_shows_dependency_errors_in_chinese(dep_app):
    factory = Factory(dep_app)
    factory.tenant("a")
    factory.user("a", "alice")
    client = dep_app.test_client()
    login(client, "alice")
    response = _post(client, "/t/a/admin/plugins/casework/enable")
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert 'id="plugin-error"' in html
    assert "请先启用：petitions" in html


def test_settings_form_shows_sources_and_saves_own_values(admin, app):
    page = admin.get("/t/a/admin/settings").get_data(as_text=True)
    assert 'id="settings-core"' in page and 'id="settings-petitions"' in page
    assert 'id="settings-assistance"' not in page  # not enabled here
    assert "继承：默认值" in page

    response = _post(admin, "/t/a/admin/settings/core", {"warning_days": "5", "unit_full_name": ""})
    assert response.status_code == 302
    assert _own_settings(app, "a", "core") == {"warning_days": 5}
    page = admin.get("/t/a/admin/settings").get_data(as_text=True)
    row = re.search(r'<tr data-setting="warning_days" data-source="(\w+)">', page)
    assert row and row.group(1) == "tenant"
    assert "本单位设置" in page

    # A blank input returns the setting to the inherited value.
    assert _post(admin, "/t/a/admin/settings/core", {"warning_days": ""}).status_code == 302
    assert _own_settings(app, "a", "core") == {}


def test_settings_form_with_a_bad_value_shows_the_error_and_saves_nothing(admin, app):
    response = _post(
        admin, "/t/a/admin/settings/petitions", {"accept_days": "99", "close_days": "30"}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "应在 1 到 15 之间。" in html
    assert 'value="99"' in html  # the input is kept for correction
    assert _own_settings(app, "a", "petitions") == {}
    assert (
        _post(admin, "/t/a/admin/settings/assistance", {"loan_term_months": "5"}).status_code == 404
    )


def test_add_user_and_change_roles_through_the_pages(admin, app, world):
    bad = _post(
        admin, "/t/a/admin/users", {"username": "carol", "display_name": "卡", "roles": "staff"}
    )
    assert bad.status_code == 422
    assert "新用户需要设置初始密码。" in bad.get_data(as_text=True)

    added = _post(
        admin,
        "/t/a/admin/users",
        {
            "username": "carol",
            "display_name": "卡罗尔",
            "password": "carol-password",
            "roles": "staff",
        },
    )
    assert added.status_code == 302
    users = admin.get("/t/a/admin/users").get_data(as_text=True)
    assert "卡罗尔" in users

    sam_m = _membership_id(app, "a", world.sam.user_id)
    edit = admin.get(f"/t/a/admin/users/{sam_m}")
    assert edit.status_code == 200
    saved = _post(
        admin,
        f"/t/a/admin/users/{sam_m}",
        {"roles": ["registrar", "staff"], "title": "科员", "active": "y"},
    )
    assert saved.status_code == 302
    with in_tenant(app, "a"):
        membership = db.session.get(Membership, sam_m)
        assert [r.key for r in membership.roles] == ["registrar", "staff"]
        assert membership.title == "科员" and membership.is_active


def test_an_admin_cannot_demote_themselves_on_the_page(admin, app, world):
    alice_m = _membership_id(app, "a", world.alice.user_id)
    response = _post(admin, f"/t/a/admin/users/{alice_m}", {"roles": ["staff"], "active": "y"})
    assert response.status_code == 409
    assert "不能移除自己的管理员角色" in response.get_data(as_text=True)
    with in_tenant(app, "a"):
        assert "admin" in [r.key for r in db.session.get(Membership, alice_m).roles]


def test_edit_a_role_through_the_page(admin, app):
    with in_tenant(app, "a"):
        staff_role = db.session.scalar(select(Role.id).where(Role.key == "staff"))
    page = admin.get(f"/t/a/admin/roles/{staff_role}").get_data(as_text=True)
    assert 'value="petitions.view"' in page
    response = _post(
        admin,
        f"/t/a/admin/roles/{staff_role}",
        {"title": "科员", "permissions": ["core.view_members", "petitions.view"]},
    )
    assert response.status_code == 302
    with in_tenant(app, "a"):
        role = db.session.get(Role, staff_role)
        assert role.title == "科员" and role.permissions == ["core.view_members", "petitions.view"]


def test_create_a_token_shows_it_once_then_revoke(admin, app, world):
    response = _post(admin, "/t/a/admin/tokens", {"name": "导出脚本", "lifetime_days": "30"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    plaintext = re.search(r'id="token-plaintext">(zg_[^<]+)<', html).group(1)
    assert plaintext not in admin.get("/t/a/admin/tokens").get_data(as_text=True)
    assert (
        admin.get("/api/v1/t/a/me", headers={"Authorization": f"Bearer {plaintext}"}).status_code
        == 200
    )

    bad = _post(admin, "/t/a/admin/tokens", {"name": "", "lifetime_days": "400"})
    assert bad.status_code == 422
    assert "应在 1 到 365 之间。" in bad.get_data(as_text=True)

    with in_tenant(app, "a"):
        token_id = db.session.scalar(select(ApiToken.id).where(ApiToken.name == "导出脚本"))
    assert _post(admin, f"/t/a/admin/tokens/{token_id}/revoke").status_code == 302
    with in_tenant(app, "a"):
        assert db.session.get(ApiToken, token_id).revoked_at is not None
    with in_tenant(app, "b"):
        bob_token = db.session.scalar(select(ApiToken.id))
    assert _post(admin, f"/t/a/admin/tokens/{bob_token}/revoke").status_code == 404


def test_staff_revokes_only_their_own_tokens_on_the_page(staff, app, world):
    with in_tenant(app, "a"):
        alice_token = db.session.scalar(
            select(ApiToken.id).where(ApiToken.user_id == world.alice.user_id)
        )
    assert _post(staff, f"/t/a/admin/tokens/{alice_token}/revoke").status_code == 404
    with in_tenant(app, "a"):
        assert db.session.get(ApiToken, alice_token).revoked_at is None


def test_audit_page_shows_shanghai_time_and_filters(admin, app):
    _post(admin, "/t/a/admin/plugins/assistance/enable")
    with in_tenant(app, "a"):
        entry = db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.action == "plugin.enabled")
            .order_by(AuditEntry.seq.desc())
        ).first()
        at = entry.at if entry.at.tzinfo else entry.at.replace(tzinfo=ZoneInfo("UTC"))
        expected = at.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M:%S")
    page = admin.get("/t/a/admin/audit?action=plugin.")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert expected in html
    # The action by its title; its code only in the tooltip and the folded raw entry.
    assert '<td class="text-nowrap" title="plugin.enabled">启用功能模块</td>' in html
    assert 'title="token.created"' not in html
    assert admin.get("/t/a/admin/audit?actor=x").status_code == 400
    assert admin.get("/t/a/admin/audit?cursor=!!!").status_code == 400


def test_audit_page_paginates(admin, app):
    for n in range(3):
        _post(admin, "/t/a/admin/tokens", {"name": f"t{n}"})
    first = admin.get("/t/a/admin/audit?limit=2").get_data(as_text=True)
    assert len(re.findall(r"<tr data-seq=", first)) == 2
    link = re.search(r'id="next-page" href="([^"]+)"', first).group(1).replace("&amp;", "&")
    second = admin.get(link)
    assert second.status_code == 200
    assert (
        re.findall(r'data-seq="(\d+)"', first)[-1]
        > re.findall(r'data-seq="(\d+)"', second.get_data(as_text=True))[0]
    )


def test_the_user_form_clears_what_is_left_empty(admin, app, world):
    """The page shows every field: an emptied title, an unticked box and no role ticked
    are saved as such (the form layer reads absent fields as cleared, not as unchanged)."""
    sam_m = _membership_id(app, "a", world.sam.user_id)
    _post(admin, f"/t/a/admin/users/{sam_m}", {"roles": ["staff"], "title": "科员", "active": "y"})
    cleared = _post(admin, f"/t/a/admin/users/{sam_m}", {"title": "  "})
    assert cleared.status_code == 302
    with in_tenant(app, "a"):
        membership = db.session.get(Membership, sam_m)
        assert membership.roles == [] and membership.title is None
        assert not membership.is_active


def test_the_role_form_refuses_an_emptied_title_and_saves_no_permission(admin, app):
    with in_tenant(app, "a"):
        staff_role = db.session.scalar(select(Role.id).where(Role.key == "staff"))
    refused = _post(admin, f"/t/a/admin/roles/{staff_role}", {"title": ""})
    assert refused.status_code == 422
    saved = _post(admin, f"/t/a/admin/roles/{staff_role}", {"title": "科员"})
    assert saved.status_code == 302
    with in_tenant(app, "a"):
        role = db.session.get(Role, staff_role)
        assert role.title == "科员" and role.permissions == []
