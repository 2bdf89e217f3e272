"""The web world for the petitions pages and API: two tenants, people of each role.

``county``: ``clerk`` (信访专干: view, register, handle, no identity), ``leader`` (信访分管
领导: everything incl. view_identity and categories), ``staff`` (no petitions permission),
``li`` (a clerk too, to be named handler or recused). ``other``: its own leader.
Each has a bearer token; ``world.login(name)`` opens a page session.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from core.audit.models import AuditEntry
from core.db import db
from core.orgs import id_numbers
from core.tenancy.models import Tenant
from core.tenancy.scope import tenant_scope
from plugins.petitions.models import PetitionCategory
from tests.factories import Factory, bearer, csrf_token, login

REGION = "330122"
API = "/api/v1/t/{tenant}/petitions"
PAGES = "/t/{tenant}/petitions"


def ident(born: date = date(1970, 3, 8), sequence: int = 21) -> str:
    return id_numbers.make(REGION, born, sequence)


def petition_payload(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "received_on": date.today().isoformat(),
        "channel": "letter",
        "kind": "request",
        "summary": "反映退休待遇问题",
        "petitioners": [
            {"name": "王某", "id_number": ident(), "phone": "13800000000", "address": "城关镇"}
        ],
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not ...}


def report_payload(**overrides: Any) -> dict[str, Any]:
    """A 检举控告: its petitioner is a reporter whose identity is secret."""
    values: dict[str, Any] = {
        "kind": "report",
        "summary": "举报拉票贿选",
        "petitioners": [
            {
                "name": "检举人甲",
                "id_number": ident(date(1985, 1, 2), 33),
                "phone": "13912345678",
                "address": "幸福小区三幢",
            }
        ],
        "reported_persons": [{"name": "赵某", "unit": "某乡镇", "post": "副书记"}],
    }
    return petition_payload(**{**values, **overrides})


@dataclass
class World:
    app: Flask
    client: FlaskClient
    tokens: dict[str, str] = field(default_factory=dict)
    users: dict[str, int] = field(default_factory=dict)

    def call(self, who: str, method: str, path: str = "", *, tenant: str | None = None, **kw):
        tenant = tenant or ("other" if who == "outsider" else "county")
        headers = {**bearer(self.tokens[who]), **kw.pop("headers", {})}
        return self.client.open(
            API.format(tenant=tenant) + path, method=method, headers=headers, **kw
        )

    def register(self, who: str = "clerk", **overrides: Any) -> dict[str, Any]:
        response = self.call(who, "POST", json=petition_payload(**overrides))
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def fire(self, who: str, petition_id: int, name: str, **body: Any):
        return self.call(who, "POST", f"/{petition_id}/transitions/{name}", json=body)

    def login(self, who: str) -> str:
        self.client.post("/logout", data={"csrf_token": csrf_token(self.client)})
        assert login(self.client, who).status_code == 302
        return csrf_token(self.client, PAGES.format(tenant="county") + "/categories")

    def page(self, path: str = "", **kw):
        return self.client.get(PAGES.format(tenant="county") + path, **kw)

    def post_page(self, path: str, csrf: str, data: dict[str, Any], **kw):
        return self.client.post(
            PAGES.format(tenant="county") + path, data={"csrf_token": csrf, **data}, **kw
        )

    def in_tenant(self, slug: str, fn):
        with self.app.app_context():
            tenant_id = db.session.scalar(select(Tenant.id).where(Tenant.slug == slug))
            with tenant_scope(tenant_id):
                return fn()

    def count(self, model: type, slug: str = "county") -> int:
        return self.in_tenant(
            slug, lambda: db.session.scalar(select(func.count()).select_from(model))
        )

    def audit(self, action: str, slug: str = "county") -> list[dict[str, Any]]:
        def read():
            rows = db.session.scalars(
                select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq)
            )
            return [{"detail": r.detail, "object_id": r.object_id} for r in rows]

        return self.in_tenant(slug, read)

    def category(self, name: str, slug: str = "county") -> int:
        return self.in_tenant(
            slug,
            lambda: db.session.scalar(
                select(PetitionCategory.id).where(PetitionCategory.name == name)
            ),
        )


def build_world(app: Flask, factory: Factory) -> World:
    factory.tenant("county", plugins=["petitions"])
    factory.tenant("other", plugins=["petitions"])
    factory.tenant("town", parent="county", kind="township_committee", plugins=["petitions"])
    world = World(app, app.test_client())
    people = {
        "clerk": factory.user("county", "clerk", roles=["petition_clerk"], display_name="张专干"),
        "li": factory.user("county", "li", roles=["petition_clerk"], display_name="李干事"),
        "leader": factory.user(
            "county", "leader", roles=["petition_leader"], display_name="王部长"
        ),
        "staff": factory.user("county", "staff", roles=["staff"], display_name="普通人员"),
        "outsider": factory.user("other", "outsider", roles=["petition_leader"]),
    }
    for name, person in people.items():
        world.tokens[name] = factory.token(person)
        world.users[name] = person.user_id
    return world


@pytest.fixture
def world(app: Flask, factory: Factory) -> World:
    return build_world(app, factory)
