"""Sessions end when they should: at logout (every copy of the cookie), on a password
change, when an administrator removes the user, and after a working day of idleness."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from core.auth.models import User
from core.db import db
from tests.factories import csrf_token, login


@pytest.fixture
def alice(app, factory):
    factory.tenant("alpha", name="甲单位")
    factory.user("alpha", "admin", roles=["admin"])
    return factory.user("alpha", "alice", roles=["staff"])


def _copy_cookies(source, target) -> None:
    for cookie in source._cookies.values():
        target.set_cookie(cookie.key, cookie.value, domain=cookie.domain)


def test_a_cookie_copied_before_logout_no_longer_works_after_it(app, alice, client):
    login(client, "alice")
    stolen = app.test_client()
    _copy_cookies(client, stolen)
    assert stolen.get("/t/alpha/").status_code == 200
    token = csrf_token(client, "/t/alpha/")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert stolen.get("/t/alpha/").status_code == 302


def test_logging_out_ends_the_users_other_sessions_too(app, alice, client):
    other_browser = app.test_client()
    login(client, "alice")
    login(other_browser, "alice")
    token = csrf_token(client, "/t/alpha/")
    client.post("/logout", data={"csrf_token": token})
    assert other_browser.get("/t/alpha/").status_code == 302


def test_an_administrator_removing_a_member_ends_their_sessions(app, alice, client):
    login(client, "alice")
    admin = app.test_client()
    login(admin, "admin")
    with app.app_context():
        membership_id = _membership_id("alice")
    token = csrf_token(admin, "/t/alpha/admin/users")
    response = admin.delete(
        f"/api/v1/t/alpha/users/{membership_id}", headers={"X-CSRFToken": token}
    )
    assert response.status_code == 204
    # Logged out everywhere, not only here: the home page asks for a login again.
    assert "/login" in client.get("/").headers["Location"]


def test_an_idle_session_expires_after_the_configured_time(app, alice, client, monkeypatch):
    assert app.config["PERMANENT_SESSION_LIFETIME"].total_seconds() == 8 * 3600
    login(client, "alice")
    assert client.get("/t/alpha/").status_code == 200
    later = time.time() + 8 * 3600 + 60
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: later)
    assert client.get("/t/alpha/").status_code == 302


def test_an_active_session_is_renewed_on_each_request(app, alice, client, monkeypatch):
    login(client, "alice")
    start = time.time()
    for hours in (5, 10, 15):  # each request within the idle time of the previous one
        monkeypatch.setattr("itsdangerous.timed.time.time", lambda h=hours: start + h * 3600)
        assert client.get("/t/alpha/").status_code == 200


def _membership_id(username: str) -> int:
    from core.auth.models import Membership
    from core.tenancy.scope import cross_tenant_scope

    with cross_tenant_scope("test", action="test"):
        user = db.session.scalar(select(User).where(User.username == username))
        return db.session.scalar(select(Membership.id).where(Membership.user_id == user.id))
