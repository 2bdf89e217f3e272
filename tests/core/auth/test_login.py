"""Logging in and out: hashed passwords, throttled failures, CSRF, sessions that end."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core.audit.models import AuditEntry
from core.auth.login import FREE_FAILURES, MAX_FAILURES_PER_IP, delay_after
from core.auth.models import User
from core.db import db, utcnow
from core.tenancy.models import platform_tenant
from core.tenancy.scope import tenant_scope
from tests.factories import PASSWORD, csrf_token, login


def test_passwords_are_stored_hashed(app, factory):
    factory.tenant("alpha")
    factory.user("alpha", "alice")
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "alice"))
        assert PASSWORD not in user.password_hash
        assert user.password_hash.startswith(("scrypt:", "pbkdf2:"))


def test_a_member_logs_in_and_lands_in_their_only_tenant(app, factory, client):
    factory.tenant("alpha")
    factory.user("alpha", "alice")
    response = login(client, "alice")
    assert response.status_code == 302
    assert client.get("/").headers["Location"].endswith("/t/alpha/")


def test_a_member_of_two_tenants_chooses(app, factory, client):
    factory.tenant("alpha", name="甲单位")
    factory.tenant("beta", name="乙单位")
    factory.user("alpha", "alice")
    factory.user("beta", "alice")
    login(client, "alice")
    html = client.get("/").get_data(as_text=True)
    assert "甲单位" in html and "乙单位" in html


def test_a_wrong_password_is_refused_in_chinese(app, factory, client):
    factory.tenant("alpha")
    factory.user("alpha", "alice")
    response = login(client, "alice", "wrong-password")
    assert response.status_code == 400
    assert "用户名或密码错误" in response.get_data(as_text=True)
    assert client.get("/t/alpha/").status_code == 302  # still not logged in


def _from(address: str, client):
    """Log in as if from ``address``."""

    def attempt(username: str, password: str = PASSWORD):
        token = csrf_token(client)
        return client.post(
            "/login",
            data={"username": username, "password": password, "csrf_token": token},
            environ_base={"REMOTE_ADDR": address},
        )

    return attempt


def test_a_client_failing_repeatedly_waits_longer_each_time(app, factory, client, monkeypatch):
    factory.tenant("alpha")
    factory.user("alpha", "alice")
    attacker = _from("203.0.113.9", client)
    for _ in range(FREE_FAILURES):
        assert attacker("alice", "wrong-password").status_code == 400
    throttled = attacker("alice")  # even the right password waits
    assert throttled.status_code == 429
    assert "登录失败次数过多" in throttled.get_data(as_text=True)
    assert int(throttled.headers["Retry-After"]) == 2
    later = utcnow() + timedelta(seconds=3)
    monkeypatch.setattr("core.auth.login.utcnow", lambda: later)
    assert attacker("alice").status_code == 302  # the wait is over
    assert [delay_after(n).total_seconds() for n in range(3, 7)] == [2, 4, 8, 16]
    assert delay_after(40) == timedelta(minutes=15)


def test_a_client_that_has_not_failed_is_never_locked_out(app, factory, client):
    factory.tenant("alpha")
    factory.user("alpha", "alice")
    attacker = _from("203.0.113.9", client)
    for _ in range(8):
        attacker("alice", "wrong-password")
    assert attacker("alice").status_code == 429
    # alice at her own desk logs in at once with the right password
    assert _from("198.51.100.7", app.test_client())("alice").status_code == 302


def test_a_client_failing_on_many_accounts_is_held_back(app, factory, client):
    factory.tenant("alpha")
    factory.user("alpha", "alice")
    sprayer = _from("203.0.113.9", client)
    for n in range(MAX_FAILURES_PER_IP):
        assert sprayer(f"user{n}", "wrong-password").status_code == 400
    assert sprayer("alice").status_code == 429
    assert _from("198.51.100.7", app.test_client())("alice").status_code == 302


def test_login_needs_the_csrf_token(app, factory, client):
    factory.tenant("alpha")
    factory.user("alpha", "alice")
    response = client.post("/login", data={"username": "alice", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/t/alpha/").status_code == 302


def test_login_form_errors_are_per_field(app, client):
    token = csrf_token(client)
    response = client.post("/login", data={"username": "", "password": "", "csrf_token": token})
    assert response.status_code == 400
    assert response.get_data(as_text=True).count("必填项") == 2


def test_next_only_redirects_inside_the_site(app, factory, client):
    factory.tenant("alpha")
    factory.user("alpha", "alice")
    token = csrf_token(client)
    response = client.post(
        "/login",
        data={
            "username": "alice",
            "password": PASSWORD,
            "csrf_token": token,
            "next": "https://evil.example/",
        },
    )
    assert response.headers["Location"] == "/"


def test_logout_ends_the_session(app, factory, client):
    factory.tenant("alpha")
    factory.user("alpha", "alice")
    login(client, "alice")
    token = csrf_token(client, "/t/alpha/")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/t/alpha/").status_code == 302


def test_a_password_change_ends_existing_sessions(app, factory, client):
    factory.tenant("alpha")
    factory.user("alpha", "alice")
    login(client, "alice")
    assert client.get("/t/alpha/").status_code == 200
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "alice"))
        user.set_password("a-new-password-123")
        db.session.commit()
    assert client.get("/t/alpha/").status_code == 302


def test_a_login_is_audited_in_the_platform_log(app, factory, client):
    factory.tenant("alpha")
    factory.user("alpha", "alice")
    login(client, "alice")
    with app.app_context():
        with tenant_scope(platform_tenant().id):
            entry = db.session.scalars(
                select(AuditEntry).where(AuditEntry.action == "auth.login")
            ).one()
        assert entry.actor_name == "alice"
