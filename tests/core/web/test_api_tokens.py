"""API tokens: created for the caller, shown once, listed without secrets, revoked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from core.audit.models import AuditEntry
from core.auth.models import ApiToken
from core.db import db
from tests.core.web.conftest import in_tenant
from tests.factories import bearer


def _ids(response) -> list[int]:
    return [t["id"] for t in response.get_json()["items"]]


def test_create_returns_plaintext_once_and_never_lists_it(app, client, world):
    response = client.post(
        "/api/v1/t/a/tokens", json={"name": "报表脚本", "lifetime_days": 30}, headers=world.h("sam")
    )
    assert response.status_code == 201
    body = response.get_json()
    assert body["token"].startswith("zg_")
    assert body["prefix"] == body["token"][:10]
    assert body["user"]["username"] == "sam"
    assert body["active"] is True
    expires = datetime.fromisoformat(body["expires_at"])
    assert timedelta(days=29) < expires - datetime.now(UTC) <= timedelta(days=30)

    assert client.get("/api/v1/t/a/me", headers=bearer(body["token"])).status_code == 200
    listing = client.get("/api/v1/t/a/tokens", headers=world.h("sam"))
    text = listing.get_data(as_text=True)
    assert body["token"] not in text
    assert "token_hash" not in text
    assert body["id"] in _ids(listing)
    with in_tenant(app, "a"):
        entry = db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.action == "token.created")
            .order_by(AuditEntry.seq.desc())
        ).first()
        assert entry.actor_name == "sam"
        assert entry.object_id == str(body["id"])


def test_staff_sees_own_tokens_admin_sees_the_tenants(app, client, world):
    with in_tenant(app, "a"):
        rows = {t.id: t.user.username for t in db.session.scalars(select(ApiToken))}
    alice_ids = [i for i, name in rows.items() if name == "alice"]
    sam_ids = [i for i, name in rows.items() if name == "sam"]

    assert alice_ids and sam_ids
    assert set(_ids(client.get("/api/v1/t/a/tokens", headers=world.h("sam")))) == set(sam_ids)
    everything = set(_ids(client.get("/api/v1/t/a/tokens", headers=world.h("alice"))))
    assert everything == set(rows)  # tenant a's tokens, none of tenant b's
    with in_tenant(app, "b"):
        b_ids = set(db.session.scalars(select(ApiToken.id)))
    assert not everything & b_ids


def test_token_list_is_paginated_and_filtered(client, world):
    for n in range(3):
        client.post("/api/v1/t/a/tokens", json={"name": f"t{n}"}, headers=world.h("sam"))
    first = client.get("/api/v1/t/a/tokens?limit=2", headers=world.h("sam")).get_json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    rest = client.get(
        f"/api/v1/t/a/tokens?limit=2&cursor={first['next_cursor']}", headers=world.h("sam")
    ).get_json()
    assert len(rest["items"]) == 2 and rest["next_cursor"] is None
    ids = [t["id"] for t in first["items"] + rest["items"]]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == 4

    client.delete(f"/api/v1/t/a/tokens/{ids[0]}", headers=world.h("sam"))
    active = client.get("/api/v1/t/a/tokens?active=true", headers=world.h("sam")).get_json()
    inactive = client.get("/api/v1/t/a/tokens?active=false", headers=world.h("sam")).get_json()
    assert ids[0] not in [t["id"] for t in active["items"]]
    assert [t["id"] for t in inactive["items"]] == [ids[0]]


def test_staff_cannot_revoke_anothers_token_admin_can(app, client, world):
    with in_tenant(app, "a"):
        alice_token = db.session.scalar(
            select(ApiToken.id).where(ApiToken.user_id == world.alice.user_id)
        )
        sam_token = db.session.scalar(
            select(ApiToken.id).where(ApiToken.user_id == world.sam.user_id)
        )

    refused = client.delete(f"/api/v1/t/a/tokens/{alice_token}", headers=world.h("sam"))
    assert refused.status_code == 404
    assert client.get("/api/v1/t/a/me", headers=world.h("alice")).status_code == 200

    assert (
        client.delete(f"/api/v1/t/a/tokens/{sam_token}", headers=world.h("alice")).status_code
        == 204
    )
    assert client.get("/api/v1/t/a/me", headers=world.h("sam")).status_code == 401
    # Revoking again changes nothing and still answers 204.
    assert (
        client.delete(f"/api/v1/t/a/tokens/{sam_token}", headers=world.h("alice")).status_code
        == 204
    )


def test_another_tenants_token_id_is_404_and_untouched(app, client, world):
    with in_tenant(app, "b"):
        bob_token = db.session.scalar(
            select(ApiToken.id).where(ApiToken.user_id == world.bob.user_id)
        )
    response = client.delete(f"/api/v1/t/a/tokens/{bob_token}", headers=world.h("alice"))
    assert response.status_code == 404
    assert client.get("/api/v1/t/b/me", headers=world.h("bob")).status_code == 200
    with in_tenant(app, "b"):
        assert db.session.get(ApiToken, bob_token).revoked_at is None
