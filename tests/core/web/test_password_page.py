"""修改密码: the current password, the new one twice under the core policy; other
sessions end, this one continues; the change is audited; a refusal changes nothing."""

from __future__ import annotations

from sqlalchemy import select

from core.audit.models import AuditEntry
from core.auth.models import User
from core.db import db
from core.tenancy.models import platform_tenant
from core.tenancy.scope import cross_tenant_scope
from tests.factories import PASSWORD, csrf_token, login

NEW = "Zugong-Neu-2026!"


def _change(client, current: str, new: str, again: str):
    return client.post(
        "/account/password",
        data={
            "csrf_token": csrf_token(client, "/account/password"),
            "current_password": current,
            "new_password": new,
            "new_password_again": again,
        },
    )


def test_changing_the_password_ends_other_sessions_and_keeps_this_one(app, world):
    here, elsewhere = app.test_client(), app.test_client()
    login(here, "sam")
    login(elsewhere, "sam")
    response = _change(here, PASSWORD, NEW, NEW)
    assert response.status_code == 303
    assert here.get("/t/a/").status_code == 200  # this session continues
    assert elsewhere.get("/t/a/").status_code in (302, 401)  # the other one has ended
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "sam"))
        assert user.check_password(NEW)
        with cross_tenant_scope("test: read the platform log"):
            actions = db.session.scalars(
                select(AuditEntry.action).where(AuditEntry.tenant_id == platform_tenant().id)
            ).all()
    assert "auth.password_changed" in actions
    fresh = app.test_client()
    login(fresh, "sam", NEW)
    assert fresh.get("/t/a/").status_code == 200


def test_each_refusal_names_its_field_and_changes_nothing(app, client, world):
    login(client, "sam")
    cases = [
        ("wrong-password-1", NEW, NEW, "current_password", "当前密码不正确"),
        (PASSWORD, "short", "short", "new_password", "至少需要"),
        (PASSWORD, "1234567890", "1234567890", "new_password", "连续"),
        (PASSWORD, NEW, NEW + "x", "new_password_again", "不一致"),
    ]
    for current, new, again, field, text in cases:
        response = _change(client, current, new, again)
        html = response.get_data(as_text=True)
        assert response.status_code == 422, field
        assert f'data-error-for="{field}"' in html and text in html, field
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "sam"))
        assert user.check_password(PASSWORD)
    assert client.get("/t/a/").status_code == 200


def test_the_page_needs_a_signed_in_user(client, world):
    response = client.get("/account/password")
    assert response.status_code in (302, 401)
