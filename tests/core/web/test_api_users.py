"""Members of the tenant through the API: list, add, change, remove, reset password."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from sqlalchemy import select

from core.audit.models import AuditEntry
from core.auth.models import Membership, User
from core.db import db
from tests.core.web.conftest import in_tenant
from tests.factories import csrf_token, login


def _membership_id(app, slug: str, user_id: int) -> int:
    with in_tenant(app, slug):
        return db.session.scalar(select(Membership.id).where(Membership.user_id == user_id))


def _state(app, slug: str, membership_id: int) -> tuple:
    with in_tenant(app, slug):
        m = db.session.get(Membership, membership_id)
        return (m.is_active, m.title, [r.key for r in m.roles], m.user.password_hash)


def _last_action(app, slug: str) -> AuditEntry:
    with in_tenant(app, slug):
        entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
        db.session.expunge(entry)
        return entry


def _can_log_in(app, username: str, password: str) -> bool:
    client: FlaskClient = app.test_client()
    return login(client, username, password).status_code == 302


def test_list_members_of_this_tenant_only_paginated(client, world):
    response = client.get("/api/v1/t/a/users", headers=world.h("alice"))
    assert response.status_code == 200
    items = response.get_json()["items"]
    assert [m["user"]["username"] for m in items] == ["alice", "sam"]
    assert [r["key"] for r in items[1]["roles"]] == ["staff"]
    assert items[0]["active"] is True

    first = client.get("/api/v1/t/a/users?limit=1", headers=world.h("alice")).get_json()
    assert [m["user"]["username"] for m in first["items"]] == ["alice"]
    second = client.get(
        f"/api/v1/t/a/users?limit=1&cursor={first['next_cursor']}", headers=world.h("alice")
    ).get_json()
    assert [m["user"]["username"] for m in second["items"]] == ["sam"]
    assert second["next_cursor"] is None


def test_list_filters(client, world):
    def names(query: str) -> list[str]:
        body = client.get(f"/api/v1/t/a/users?{query}", headers=world.h("alice")).get_json()
        return [m["user"]["username"] for m in body["items"]]

    assert names("role=staff") == ["sam"]
    assert names("q=ALI") == ["alice"]
    assert names("q=%25") == []  # a literal %, not a wildcard
    assert names("active=false") == []


def test_staff_may_not_manage_users(app, client, world):
    sam_m = _membership_id(app, "a", world.sam.user_id)
    before = _state(app, "a", sam_m)
    h = world.h("sam")
    assert client.get("/api/v1/t/a/users", headers=h).status_code == 403
    assert client.get("/api/v1/t/a/roles", headers=h).status_code == 403
    new = {
        "username": "x1",
        "display_name": "X",
        "password": "a-valid-password-9",
        "roles": ["staff"],
    }
    assert client.post("/api/v1/t/a/users", json=new, headers=h).status_code == 403
    assert (
        client.patch(f"/api/v1/t/a/users/{sam_m}", json={"roles": ["admin"]}, headers=h).status_code
        == 403
    )
    assert client.delete(f"/api/v1/t/a/users/{sam_m}", headers=h).status_code == 403
    password = {"password": "a-new-password-1"}
    assert (
        client.post(f"/api/v1/t/a/users/{sam_m}/password", json=password, headers=h).status_code
        == 403
    )
    assert _state(app, "a", sam_m) == before
    with app.app_context():
        assert db.session.scalar(select(User).where(User.username == "x1")) is None


def test_add_a_new_user_who_can_then_log_in(app, client, world):
    response = client.post(
        "/api/v1/t/a/users",
        json={
            "username": "carol",
            "display_name": "卡罗尔",
            "password": "carol-password-1",
            "roles": ["staff", "registrar"],
            "title": "干事",
        },
        headers=world.h("alice"),
    )
    assert response.status_code == 201
    body = response.get_json()
    assert body["user"]["display_name"] == "卡罗尔"
    assert [r["key"] for r in body["roles"]] == ["registrar", "staff"]
    assert body["title"] == "干事"
    assert "password" not in body
    assert _can_log_in(app, "carol", "carol-password-1")
    entry = _last_action(app, "a")
    assert entry.action == "membership.added"
    assert entry.detail["new_user"] is True and entry.actor_name == "alice"


def _invite(client, world, username: str, roles=("staff",)):
    return client.post(
        "/api/v1/t/a/users",
        json={"username": username, "roles": list(roles), "title": "联络员"},
        headers=world.h("alice"),
    )


def test_naming_another_tenants_user_only_invites_them(app, client, world):
    bob_b = _membership_id(app, "b", world.bob.user_id)
    before_b = _state(app, "b", bob_b)
    response = _invite(client, world, "bob")
    assert response.status_code == 202
    assert response.get_json()["status"] == "invited"
    assert _membership_id(app, "a", world.bob.user_id) is None  # not pulled in
    assert _state(app, "b", bob_b) == before_b  # his place in b is his own business
    # b's administrator still manages bob's password: he serves b alone
    reset = client.post(
        f"/api/v1/t/b/users/{bob_b}/password",
        json={"password": "bobs-new-password-1"},
        headers=world.h("bob"),
    )
    assert reset.status_code == 204


def test_unknown_and_foreign_usernames_answer_alike(app, client, world):
    foreign = _invite(client, world, "bob")
    unknown = _invite(client, world, "no-such-user")
    assert foreign.status_code == unknown.status_code == 202
    assert foreign.get_json() == {
        **unknown.get_json(),
        "username": "bob",
        "detail": unknown.get_json()["detail"].replace("no-such-user", "bob"),
    }
    assert foreign.get_json()["username"] == "bob"  # the name typed, never a display name
    with app.app_context():
        assert db.session.scalar(select(User).where(User.username == "no-such-user")) is None


def test_the_invited_user_joins_by_accepting_after_logging_in(app, client, world):
    assert _invite(client, world, "bob", roles=["staff", "registrar"]).status_code == 202
    bob = app.test_client()
    assert login(bob, "bob").headers["Location"].endswith("/invitations")
    page = bob.get("/invitations").get_data(as_text=True)
    assert "a单位" in page and "接受" in page
    invitation = re.search(r'data-invitation="(\d+)"', page).group(1)
    token = csrf_token(bob, "/invitations")
    accepted = bob.post(f"/invitations/{invitation}/accept", data={"csrf_token": token})
    assert accepted.status_code == 302
    membership = _membership_id(app, "a", world.bob.user_id)
    assert _state(app, "a", membership)[:3] == (True, "联络员", ["registrar", "staff"])
    assert bob.get("/t/a/").status_code == 200
    assert _last_action(app, "a").action == "invitation.accepted"
    again = _invite(client, world, "bob")
    assert again.status_code == 409
    assert again.get_json()["detail"] == "该用户已是本单位成员。"
    # the invitation is spent
    assert (
        bob.post(f"/invitations/{invitation}/accept", data={"csrf_token": token}).status_code == 404
    )


def test_only_the_invited_user_can_accept(app, client, world):
    _invite(client, world, "bob")
    bob = app.test_client()
    login(bob, "bob")
    invitation = re.search(
        r'data-invitation="(\d+)"', bob.get("/invitations").get_data(as_text=True)
    )
    stan = app.test_client()
    login(stan, "stan")
    token = csrf_token(stan, "/invitations")
    response = stan.post(f"/invitations/{invitation.group(1)}/accept", data={"csrf_token": token})
    assert response.status_code == 404
    assert _membership_id(app, "a", world.stan.user_id) is None
    assert _membership_id(app, "a", world.bob.user_id) is None


def test_a_declined_invitation_adds_nobody(app, client, world):
    _invite(client, world, "bob")
    bob = app.test_client()
    login(bob, "bob")
    invitation = re.search(
        r'data-invitation="(\d+)"', bob.get("/invitations").get_data(as_text=True)
    )
    token = csrf_token(bob, "/invitations")
    bob.post(f"/invitations/{invitation.group(1)}/decline", data={"csrf_token": token})
    assert _membership_id(app, "a", world.bob.user_id) is None
    assert "没有待处理的邀请" in bob.get("/invitations").get_data(as_text=True)


def test_an_existing_users_password_cannot_be_set_by_adding_him(app, client, world):
    response = client.post(
        "/api/v1/t/a/users",
        json={"username": "bob", "password": "hijack-password-1", "roles": ["staff"]},
        headers=world.h("alice"),
    )
    assert response.status_code == 409
    assert _can_log_in(app, "bob", "correct-horse-9")
    assert not _can_log_in(app, "bob", "hijack-password-1")


def test_a_new_user_needs_name_and_password_and_roles_of_this_tenant(app, client, world):
    missing = client.post(
        "/api/v1/t/a/users",
        json={"username": "dave", "display_name": "D", "roles": ["staff"]},
        headers=world.h("alice"),
    )
    assert missing.status_code == 422
    assert set(missing.get_json()["errors"]) == {"password"}
    assert missing.get_json()["errors"]["password"] == ["新用户需要设置初始密码。"]

    with in_tenant(app, "b"):
        from core.auth.models import Role

        db.session.add(Role(key="b_only", title="只在 b", permissions=[]))
        db.session.commit()
    unknown = client.post(
        "/api/v1/t/a/users",
        json={
            "username": "dave",
            "display_name": "D",
            "password": "a-valid-password-9",
            "roles": ["b_only", "nope"],
        },
        headers=world.h("alice"),
    )
    assert unknown.status_code == 422
    assert "b_only" in unknown.get_json()["errors"]["roles"][0]
    with app.app_context():
        assert db.session.scalar(select(User).where(User.username == "dave")) is None


def test_change_roles_title_and_status(app, client, world):
    sam_m = _membership_id(app, "a", world.sam.user_id)
    response = client.patch(
        f"/api/v1/t/a/users/{sam_m}",
        json={"roles": ["registrar"], "title": "科员"},
        headers=world.h("alice"),
    )
    assert response.status_code == 200
    assert [r["key"] for r in response.get_json()["roles"]] == ["registrar"]
    assert response.get_json()["title"] == "科员"
    me = client.get("/api/v1/t/a/me", headers=world.h("sam")).get_json()
    assert "core.edit_members" in me["permissions"]
    entry = _last_action(app, "a")
    assert entry.action == "membership.updated"
    assert entry.detail["changes"]["roles"] == {"before": ["staff"], "after": ["registrar"]}

    off = client.patch(
        f"/api/v1/t/a/users/{sam_m}", json={"active": False}, headers=world.h("alice")
    )
    assert off.status_code == 200 and off.get_json()["active"] is False
    assert client.get("/api/v1/t/a/me", headers=world.h("sam")).status_code == 404
    on = client.patch(f"/api/v1/t/a/users/{sam_m}", json={"active": True}, headers=world.h("alice"))
    assert on.get_json()["active"] is True
    assert client.get("/api/v1/t/a/me", headers=world.h("sam")).status_code == 200


def test_an_admin_cannot_demote_or_remove_themselves(app, client, world):
    alice_m = _membership_id(app, "a", world.alice.user_id)
    before = _state(app, "a", alice_m)
    demote = client.patch(
        f"/api/v1/t/a/users/{alice_m}", json={"roles": ["staff"]}, headers=world.h("alice")
    )
    assert demote.status_code == 409
    assert "不能移除自己的管理员角色" in demote.get_json()["detail"]
    off = client.patch(
        f"/api/v1/t/a/users/{alice_m}", json={"active": False}, headers=world.h("alice")
    )
    assert off.status_code == 409
    remove = client.delete(f"/api/v1/t/a/users/{alice_m}", headers=world.h("alice"))
    assert remove.status_code == 409
    assert remove.get_json()["detail"] == "不能停用自己在本单位的成员资格。"
    assert _state(app, "a", alice_m) == before
    # Keeping the admin role while changing others is fine.
    keep = client.patch(
        f"/api/v1/t/a/users/{alice_m}", json={"roles": ["admin"]}, headers=world.h("alice")
    )
    assert keep.status_code == 200


def test_remove_deactivates_the_membership(app, client, world):
    sam_m = _membership_id(app, "a", world.sam.user_id)
    assert client.delete(f"/api/v1/t/a/users/{sam_m}", headers=world.h("alice")).status_code == 204
    assert _state(app, "a", sam_m)[0] is False
    assert client.get("/api/v1/t/a/me", headers=world.h("sam")).status_code == 404
    listed = client.get("/api/v1/t/a/users?active=false", headers=world.h("alice")).get_json()
    assert [m["user"]["username"] for m in listed["items"]] == ["sam"]
    assert _last_action(app, "a").action == "membership.deactivated"
    # Adding him again reactivates the same membership.
    back = client.post(
        "/api/v1/t/a/users", json={"username": "sam", "roles": ["staff"]}, headers=world.h("alice")
    )
    assert back.status_code == 201 and back.get_json()["id"] == sam_m
    assert _last_action(app, "a").action == "membership.reactivated"


def test_reset_password(app, client, world):
    sam_m = _membership_id(app, "a", world.sam.user_id)
    response = client.post(
        f"/api/v1/t/a/users/{sam_m}/password",
        json={"password": "brand-new-pass"},
        headers=world.h("alice"),
    )
    assert response.status_code == 204
    assert _can_log_in(app, "sam", "brand-new-pass")
    assert _last_action(app, "a").action == "membership.password_reset"


def test_reset_password_of_someone_serving_another_tenant_is_refused(app, client, world, factory):
    factory.user("a", "bob", roles=["staff"])  # bob is also admin of b
    bob_a = _membership_id(app, "a", world.bob.user_id)
    response = client.post(
        f"/api/v1/t/a/users/{bob_a}/password",
        json={"password": "take-over-b-1"},
        headers=world.h("alice"),
    )
    assert response.status_code == 409
    assert "其他单位" in response.get_json()["detail"]
    assert _can_log_in(app, "bob", "correct-horse-9")


def test_another_tenants_membership_ids_are_404_and_untouched(app, client, world):
    for who in (world.bob, world.stan):
        target = _membership_id(app, "b", who.user_id)
        before = _state(app, "b", target)
        h = world.h("alice")
        assert (
            client.patch(f"/api/v1/t/a/users/{target}", json={"title": "x"}, headers=h).status_code
            == 404
        )
        assert client.delete(f"/api/v1/t/a/users/{target}", headers=h).status_code == 404
        response = client.post(
            f"/api/v1/t/a/users/{target}/password",
            json={"password": "a-valid-password-9"},
            headers=h,
        )
        assert response.status_code == 404
        assert _state(app, "b", target) == before


def test_a_reset_to_a_repetitive_password_is_refused_in_chinese(client, world):
    sam = client.get("/api/v1/t/a/users?q=sam", headers=world.h("alice")).get_json()["items"][0]
    for weak in ("aaaaaaaaaa", "1234567890"):
        response = client.post(
            f"/api/v1/t/a/users/{sam['id']}/password",
            json={"password": weak},
            headers=world.h("alice", **{"Accept-Language": "zh-CN"}),
        )
        assert response.status_code == 422
        assert "容易被猜中" in response.get_json()["errors"]["password"][0]


def test_a_new_user_with_a_common_password_is_refused(client, world):
    response = client.post(
        "/api/v1/t/a/users",
        json={"username": "carol", "display_name": "C", "password": "password123", "roles": []},
        headers=world.h("alice"),
    )
    assert response.status_code == 422
    assert "太常见" in response.get_json()["errors"]["password"][0]
