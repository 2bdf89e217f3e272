"""Helpers for the orgs tests: valid ID numbers, payloads, spreadsheets, the World."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from openpyxl import Workbook
from sqlalchemy import func, select

from core.audit.models import AuditEntry
from core.db import db
from core.orgs import id_numbers
from core.tenancy.models import Tenant
from core.tenancy.scope import tenant_scope
from tests.factories import bearer

REGION = "330122"


def ident(born: date = date(1980, 5, 6), sequence: int = 11, region: str = REGION) -> str:
    """A valid ID number; odd ``sequence`` for men, even for women."""
    return id_numbers.make(region, born, sequence)


def member_payload(**overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "name": "张三",
        "gender": "male",
        "id_number": ident(),
        "phone": "13800138000",
        "joined_on": "2005-07-01",
        "status": "formal",
    }
    payload.update(overrides)
    return {k: v for k, v in payload.items() if v is not ...}


def xlsx(*rows: list[Any]) -> io.BytesIO:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


@dataclass
class World:
    """alpha: admin (all permissions), registrar (no view_identity), staff (read only);
    beta: its own admin. Each has a bearer token."""

    app: Flask
    client: FlaskClient
    tokens: dict[str, str] = field(default_factory=dict)

    def call(self, who: str, method: str, path: str, *, tenant: str | None = None, **kwargs: Any):
        tenant = tenant or ("beta" if who == "beta" else "alpha")
        headers = {**bearer(self.tokens[who]), **kwargs.pop("headers", {})}
        return self.client.open(
            f"/api/v1/t/{tenant}/orgs{path}", method=method, headers=headers, **kwargs
        )

    # shortcuts that must succeed
    def unit(self, who: str = "admin", **body: Any) -> dict[str, Any]:
        body = {"name": "第一党支部", "kind": "branch", **body}
        response = self.call(who, "POST", "/units", json=body)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def member(self, who: str = "admin", **overrides: Any) -> dict[str, Any]:
        response = self.call(who, "POST", "/members", json=member_payload(**overrides))
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    # what the database holds, read inside the tenant's scope
    def in_tenant(self, slug: str, fn):
        with self.app.app_context():
            tenant_id = db.session.scalar(select(Tenant.id).where(Tenant.slug == slug))
            with tenant_scope(tenant_id):
                return fn()

    def count(self, slug: str, model: type) -> int:
        return self.in_tenant(
            slug, lambda: db.session.scalar(select(func.count()).select_from(model))
        )

    def stored(self, slug: str, model: type, object_id: int) -> dict[str, Any] | None:
        def read():
            obj = db.session.get(model, object_id)
            if obj is None:
                return None
            return {c.key: getattr(obj, c.key) for c in model.__table__.columns}

        return self.in_tenant(slug, read)

    def audit(self, slug: str, action: str | None = None) -> list[AuditEntry]:
        def read():
            statement = select(AuditEntry).order_by(AuditEntry.seq)
            if action:
                statement = statement.where(AuditEntry.action == action)
            entries = list(db.session.scalars(statement))
            db.session.expunge_all()
            return entries

        return self.in_tenant(slug, read)


def build_world(app, factory, client) -> World:
    """alpha: admin (every permission), registrar (no view_identity), staff (read only);
    beta: its own admin. Each with a bearer token."""
    factory.tenant("alpha", name="甲县委组织部")
    factory.tenant("beta", name="乙县委组织部")
    people = {
        "admin": factory.user("alpha", "alice", roles=["admin"], display_name="管理员甲"),
        "registrar": factory.user("alpha", "rita", roles=["registrar"], display_name="登记员"),
        "staff": factory.user("alpha", "sam", roles=["staff"], display_name="工作人员"),
        "beta": factory.user("beta", "bob", roles=["admin"], display_name="管理员乙"),
    }
    world = World(app, client)
    world.tokens = {key: factory.token(person) for key, person in people.items()}
    return world
