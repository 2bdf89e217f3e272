"""Who may call the core API: bearer tokens of the tenant, and nothing else."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core.api.problem import PROBLEM_MIMETYPE
from core.auth.models import ApiToken
from tests.core.web.conftest import in_tenant
from tests.factories import bearer


def test_me_describes_the_caller(client, world):
    response = client.get("/api/v1/t/a/me", headers=world.h("alice"))
    assert response.status_code == 200
    me = response.get_json()
    assert me["user"]["username"] == "alice"
    assert me["tenant"]["slug"] == "a"
    assert me["tenant"]["kind_title"] == "县委组织部"
    assert [r["key"] for r in me["roles"]] == ["admin", "petition_leader"]
    assert {"core.manage_users", "core.view_audit", "petitions.view"} <= set(me["permissions"])
    assert [p["name"] for p in me["plugins"]] == ["petitions"]
    assert me["auth"] == "token"


def test_me_of_staff_has_only_staff_permissions(client, world):
    me = client.get("/api/v1/t/a/me", headers=world.h("sam")).get_json()
    assert me["permissions"] == ["core.view_members"]
    assert [r["key"] for r in me["roles"]] == ["staff"]


def test_token_of_another_tenant_answers_401_as_an_invalid_one(client, world):
    response = client.get("/api/v1/t/a/me", headers=world.h("bob"))
    assert response.status_code == 401
    assert response.mimetype == PROBLEM_MIMETYPE
    assert response.get_json()["detail"] == "令牌无效。"
    assert "bob" not in response.get_data(as_text=True)


def test_an_invalid_token_answers_401_as_the_openapi_document_declares(client, world):
    unknown = client.get("/api/v1/t/a/me", headers=bearer("zg_not-a-token"))
    assert unknown.status_code == 401
    assert unknown.mimetype == PROBLEM_MIMETYPE
    assert unknown.get_json()["detail"] == "令牌无效。"


def test_unknown_tenant_answers_like_a_tenant_the_caller_cannot_enter(client, world):
    for headers in (world.h("alice"), bearer("zg_not-a-token"), {}):
        unknown = client.get("/api/v1/t/nope/me", headers=headers)
        foreign = client.get("/api/v1/t/b/me", headers=headers)
        assert unknown.status_code == foreign.status_code == 401
        assert unknown.get_json() == foreign.get_json()
    response = client.get("/api/v1/t/a/me")
    assert response.status_code == 401
    assert response.mimetype == PROBLEM_MIMETYPE


def test_expired_token_answers_401_in_chinese(app, client, world, factory):
    expired = factory.token(world.alice, lifetime=timedelta(seconds=-1))
    response = client.get("/api/v1/t/a/me", headers=bearer(expired))
    assert response.status_code == 401
    assert response.mimetype == PROBLEM_MIMETYPE
    assert response.get_json()["detail"] == "令牌已过期或已吊销。"


def test_revoked_token_answers_401(app, client, world):
    created = client.post("/api/v1/t/a/tokens", json={"name": "ci"}, headers=world.h("alice"))
    assert created.status_code == 201
    token = created.get_json()
    assert client.get("/api/v1/t/a/me", headers=bearer(token["token"])).status_code == 200

    revoked = client.delete(f"/api/v1/t/a/tokens/{token['id']}", headers=world.h("alice"))
    assert revoked.status_code == 204
    response = client.get("/api/v1/t/a/me", headers=bearer(token["token"]))
    assert response.status_code == 401
    assert response.get_json()["detail"] == "令牌已过期或已吊销。"
    with in_tenant(app, "a"):
        row = _token_row(token["id"])
        assert row.revoked_at is not None


def test_session_cookie_works_and_writes_need_csrf(client, world):
    from tests.factories import csrf_token, login

    login(client, "alice")
    assert client.get("/api/v1/t/a/me").get_json()["auth"] == "session"
    refused = client.post("/api/v1/t/a/tokens", json={"name": "x"})
    assert refused.status_code == 400
    token = csrf_token(client, "/t/a/")
    accepted = client.post("/api/v1/t/a/tokens", json={"name": "x"}, headers={"X-CSRFToken": token})
    assert accepted.status_code == 201


def _token_row(token_id: int) -> ApiToken:
    from core.db import db

    return db.session.scalar(select(ApiToken).where(ApiToken.id == token_id))
