"""Enabling and disabling plugins through the API: dependencies, data kept, 404 after."""

from __future__ import annotations

from sqlalchemy import select

from core.audit.models import AuditEntry
from core.auth.models import Role
from core.db import db
from core.tenancy.models import TenantPlugin
from tests.core.web.conftest import in_tenant
from tests.factories import Factory, bearer


def _enabled(app, slug: str) -> dict[str, bool]:
    with in_tenant(app, slug) as tenant:
        rows = db.session.scalars(select(TenantPlugin).where(TenantPlugin.tenant_id == tenant.id))
        return {row.plugin: row.enabled for row in rows}


def test_list_shows_every_installed_plugin_with_its_flag(client, world):
    response = client.get("/api/v1/t/a/plugins", headers=world.h("sam"))
    assert response.status_code == 200
    plugins = {p["name"]: p for p in response.get_json()}
    assert set(plugins) == {"petitions", "reporting", "supervision", "assistance"}
    assert plugins["petitions"]["enabled"] is True
    assert plugins["assistance"]["enabled"] is False
    assert plugins["petitions"]["title"] == "信访"
    assert plugins["petitions"]["depends_on"] == []


def test_enable_is_audited_and_reaches_me_only_in_this_tenant(app, client, world):
    response = client.post("/api/v1/t/a/plugins/assistance/enable", headers=world.h("alice"))
    assert response.status_code == 200
    assert response.get_json()["enabled"] is True
    me = client.get("/api/v1/t/a/me", headers=world.h("alice")).get_json()
    assert "assistance" in [p["name"] for p in me["plugins"]]
    assert "assistance" not in _enabled(app, "b")
    with in_tenant(app, "a"):
        roles = set(db.session.scalars(select(Role.key)))
        assert {"assistance_clerk", "assistance_leader"} <= roles
        actions = db.session.scalars(select(AuditEntry.action)).all()
        assert "plugin.enabled" in actions


def test_staff_may_not_enable_or_disable(app, client, world):
    for action in ("enable", "disable"):
        for name in ("assistance", "petitions"):
            response = client.post(f"/api/v1/t/a/plugins/{name}/{action}", headers=world.h("sam"))
            assert response.status_code == 403
    assert _enabled(app, "a") == {"petitions": True}


def test_unknown_plugin_is_404(client, world):
    for path in ("/plugins/nope/enable", "/plugins/nope/disable", "/plugins/core/disable"):
        assert client.post("/api/v1/t/a" + path, headers=world.h("alice")).status_code == 404


def test_disabling_keeps_data_and_removes_routes_and_permissions(app, client, world):
    set_ = client.patch(
        "/api/v1/t/a/settings/petitions", json={"close_days": 45}, headers=world.h("alice")
    )
    assert set_.status_code == 200

    response = client.post("/api/v1/t/a/plugins/petitions/disable", headers=world.h("alice"))
    assert response.status_code == 200
    assert response.get_json()["enabled"] is False

    me = client.get("/api/v1/t/a/me", headers=world.h("alice")).get_json()
    assert not [p for p in me["permissions"] if p.startswith("petitions.")]
    assert me["plugins"] == []
    assert client.get("/api/v1/t/a/settings/petitions", headers=world.h("alice")).status_code == 404
    patch = client.patch(
        "/api/v1/t/a/settings/petitions", json={"close_days": 30}, headers=world.h("alice")
    )
    assert patch.status_code == 404

    with in_tenant(app, "a") as tenant:
        row = db.session.get(TenantPlugin, (tenant.id, "petitions"))
        assert row.enabled is False and row.settings == {"close_days": 45}
        leader = db.session.scalar(select(Role).where(Role.key == "petition_leader"))
        assert "petitions.view" in leader.permissions
    # Tenant b still has it.
    me_b = client.get("/api/v1/t/b/me", headers=world.h("bob")).get_json()
    assert [p["name"] for p in me_b["plugins"]] == ["petitions"]

    again = client.post("/api/v1/t/a/plugins/petitions/enable", headers=world.h("alice"))
    assert again.status_code == 200
    settings = client.get("/api/v1/t/a/settings/petitions", headers=world.h("alice")).get_json()
    assert settings["settings"]["close_days"] == 45
    me = client.get("/api/v1/t/a/me", headers=world.h("alice")).get_json()
    assert "petitions.view" in me["permissions"]


def test_dependencies_are_enforced_with_409_and_plugin_routes_follow_enablement(dep_app):
    factory = Factory(dep_app)
    factory.tenant("a")
    alice = factory.user("a", "alice", roles=["admin"])
    headers = bearer(factory.token(alice))
    client = dep_app.test_client()

    plugins = {p["name"]: p for p in client.get("/api/v1/t/a/plugins", headers=headers).get_json()}
    assert plugins["casework"]["depends_on"] == ["petitions"]

    refused = client.post("/api/v1/t/a/plugins/casework/enable", headers=headers)
    assert refused.status_code == 409
    assert "请先启用" in refused.get_json()["detail"]
    assert "petitions" in refused.get_json()["detail"]
    assert client.get("/api/v1/t/a/casework/ping", headers=headers).status_code == 404

    assert client.post("/api/v1/t/a/plugins/petitions/enable", headers=headers).status_code == 200
    assert client.post("/api/v1/t/a/plugins/casework/enable", headers=headers).status_code == 200
    assert client.get("/api/v1/t/a/casework/ping", headers=headers).status_code == 200

    blocked = client.post("/api/v1/t/a/plugins/petitions/disable", headers=headers)
    assert blocked.status_code == 409
    assert "以下模块依赖它" in blocked.get_json()["detail"]
    assert "casework" in blocked.get_json()["detail"]
    me = client.get("/api/v1/t/a/me", headers=headers).get_json()
    assert {"petitions", "casework"} <= {p["name"] for p in me["plugins"]}

    assert client.post("/api/v1/t/a/plugins/casework/disable", headers=headers).status_code == 200
    assert client.get("/api/v1/t/a/casework/ping", headers=headers).status_code == 404
