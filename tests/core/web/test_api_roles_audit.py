"""Roles and the audit log through the API."""

from __future__ import annotations

from sqlalchemy import select

from core.audit.models import AuditEntry
from core.auth.models import Role
from core.db import db
from tests.core.web.conftest import in_tenant


def _role_id(app, slug: str, key: str) -> int:
    with in_tenant(app, slug):
        return db.session.scalar(select(Role.id).where(Role.key == key))


def _permissions(app, slug: str, key: str) -> list[str]:
    with in_tenant(app, slug):
        return list(db.session.scalar(select(Role).where(Role.key == key)).permissions)


def test_roles_list_names_the_declaring_plugin(client, world):
    response = client.get("/api/v1/t/a/roles", headers=world.h("alice"))
    assert response.status_code == 200
    roles = {r["key"]: r for r in response.get_json()}
    assert {"admin", "staff", "registrar", "petition_clerk", "petition_leader"} <= set(roles)
    assert roles["admin"]["plugin"] == "core" and roles["admin"]["plugin_title"] is None
    assert roles["petition_leader"]["plugin"] == "petitions"
    assert roles["petition_leader"]["plugin_title"] == "信访"
    perms = {p["key"]: p for p in roles["petition_leader"]["permissions"]}
    assert perms["petitions.view_identity"]["sensitive"] is True
    assert perms["petitions.view"]["plugin"] == "petitions" and perms["petitions.view"]["live"]


def test_change_role_permissions(app, client, world):
    staff = _role_id(app, "a", "staff")
    response = client.patch(
        f"/api/v1/t/a/roles/{staff}",
        json={"permissions": ["core.view_members", "core.edit_members"], "title": "科员"},
        headers=world.h("alice"),
    )
    assert response.status_code == 200
    assert response.get_json()["title"] == "科员"
    assert [p["key"] for p in response.get_json()["permissions"]] == [
        "core.view_members",
        "core.edit_members",
    ]
    me = client.get("/api/v1/t/a/me", headers=world.h("sam")).get_json()
    assert "core.edit_members" in me["permissions"]
    assert _permissions(app, "b", "staff") == ["core.view_members"]
    with in_tenant(app, "a"):
        entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
        assert entry.action == "role.updated"
        assert entry.detail["after"]["permissions"] == ["core.view_members", "core.edit_members"]


def test_only_declared_permissions(app, client, world):
    staff = _role_id(app, "a", "staff")
    response = client.patch(
        f"/api/v1/t/a/roles/{staff}",
        json={"permissions": ["core.view_members", "core.everything"]},
        headers=world.h("alice"),
    )
    assert response.status_code == 422
    assert "core.everything" in response.get_json()["errors"]["permissions"][0]
    assert _permissions(app, "a", "staff") == ["core.view_members"]


def test_an_admin_cannot_strip_their_own_admin_role(app, client, world):
    admin = _role_id(app, "a", "admin")
    before = _permissions(app, "a", "admin")
    response = client.patch(
        f"/api/v1/t/a/roles/{admin}",
        json={"permissions": ["core.view_members"]},
        headers=world.h("alice"),
    )
    assert response.status_code == 409
    assert "不能移除自己的管理员权限" in response.get_json()["detail"]
    assert _permissions(app, "a", "admin") == before


def test_roles_of_another_tenant_are_404_and_staff_is_403(app, client, world):
    b_staff = _role_id(app, "b", "staff")
    response = client.patch(
        f"/api/v1/t/a/roles/{b_staff}", json={"permissions": []}, headers=world.h("alice")
    )
    assert response.status_code == 404
    assert _permissions(app, "b", "staff") == ["core.view_members"]
    a_staff = _role_id(app, "a", "staff")
    refused = client.patch(
        f"/api/v1/t/a/roles/{a_staff}", json={"permissions": []}, headers=world.h("sam")
    )
    assert refused.status_code == 403
    assert _permissions(app, "a", "staff") == ["core.view_members"]


def _audit(client, world, query: str = "", who: str = "alice"):
    return client.get(f"/api/v1/t/a/audit{query}", headers=world.h(who))


def test_audit_lists_this_tenants_entries_newest_first(app, client, world):
    client.post("/api/v1/t/a/tokens", json={"name": "one"}, headers=world.h("alice"))
    client.post("/api/v1/t/b/tokens", json={"name": "of-b"}, headers=world.h("bob"))
    response = _audit(client, world)
    assert response.status_code == 200
    items = response.get_json()["items"]
    seqs = [e["seq"] for e in items]
    assert seqs == sorted(seqs, reverse=True)
    assert items[0]["action"] == "token.created" and items[0]["actor_name"] == "alice"
    assert items[0]["at"].endswith("+00:00")
    assert "of-b" not in response.get_data(as_text=True)
    with in_tenant(app, "a"):
        assert len(items) == db.session.query(AuditEntry).count()


def test_audit_filters_and_pagination(app, client, world):
    created = client.post("/api/v1/t/a/tokens", json={"name": "one"}, headers=world.h("alice"))
    token_id = created.get_json()["id"]
    client.delete(f"/api/v1/t/a/tokens/{token_id}", headers=world.h("alice"))
    client.post("/api/v1/t/a/plugins/assistance/enable", headers=world.h("alice"))

    tokens = _audit(client, world, "?action=token.").get_json()["items"]
    assert tokens and all(e["action"].startswith("token.") for e in tokens)
    exact = _audit(client, world, f"?object_type=api_tokens&object_id={token_id}").get_json()
    assert [e["action"] for e in exact["items"]] == ["token.revoked", "token.created"]
    mine = _audit(client, world, f"?actor={world.alice.user_id}").get_json()["items"]
    assert mine and all(e["actor_id"] == world.alice.user_id for e in mine)
    assert _audit(client, world, "?action=%25").get_json()["items"] == []

    first = _audit(client, world, "?limit=2").get_json()
    second = _audit(client, world, f"?limit=2&cursor={first['next_cursor']}").get_json()
    assert first["items"][-1]["seq"] > second["items"][0]["seq"]


def test_audit_needs_the_permission_and_valid_filters(client, world):
    assert _audit(client, world, who="sam").status_code == 403
    bad = _audit(client, world, "?actor=x&limit=0&cursor=!!!&colour=red")
    assert bad.status_code == 422
    assert set(bad.get_json()["errors"]) == {"actor", "limit", "colour"}
    cursor = _audit(client, world, "?cursor=bm9wZQ")
    assert cursor.status_code == 422
    assert "cursor" in cursor.get_json()["errors"]
