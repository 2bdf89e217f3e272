"""A county whose public portal is open, seen from a browser and from the database.

Requests go through the test client with no app context held by the test (so each
request has its own session, like in production); reads and workflow moves open their
own app context and tenant scope.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from core.auth.users import Actor
from core.db import db
from core.plugins import enablement
from core.tenancy.models import Tenant
from core.tenancy.scope import tenant_scope
from plugins.petitions.models import Petition, PetitionCategory
from plugins.petitions.workflow import PETITION_FLOW
from tests.factories import Factory

T = TypeVar("T")
LEADER = frozenset(
    {"petitions.view", "petitions.register", "petitions.handle", "petitions.approve"}
)
_SERIAL = re.compile(r'id="filed-serial">([^<]+)<')
_CODE = re.compile(r'id="filed-code">([^<]+)<')


@dataclass
class PortalWorld:
    app: Flask
    client: FlaskClient
    factory: Factory
    slug: str
    tenant_id: int
    category_id: int
    _csrf: str | None = field(default=None)

    # -- the browser -------------------------------------------------------------------

    def url(self, path: str = "/") -> str:
        return f"/p/{self.slug}{path}"

    def csrf(self) -> str:
        if self._csrf is None:
            html = self.client.get(self.url("/")).get_data(as_text=True)
            match = re.search(r'name="csrf-token" content="([^"]+)"', html)
            assert match, html[:500]
            self._csrf = match.group(1)
        return self._csrf

    def file(self, **fields: Any):
        data = {
            "csrf_token": self.csrf(),
            "name": "王某",
            "phone": "13800000000",
            "kind": "request",
            "category_id": str(self.category_id),
            "summary": "反映退休待遇未落实问题",
            "details": "2025年退休，待遇至今未落实。",
            **fields,
        }
        return self.client.post(
            self.url("/new"), data={k: v for k, v in data.items() if v is not None}
        )

    def file_ok(self, **fields: Any) -> tuple[str, str]:
        """File a petition; (serial, code as shown)."""
        response = self.file(**fields)
        assert response.status_code == 201, response.get_data(as_text=True)[:2000]
        html = response.get_data(as_text=True)
        return _SERIAL.search(html).group(1), _CODE.search(html).group(1)

    def lookup(self, serial: str, code: str):
        return self.client.post(
            self.url("/lookup"), data={"csrf_token": self.csrf(), "serial": serial, "code": code}
        )

    def rate(self, serial: str, code: str, satisfaction: str | None = "satisfied"):
        data = {"csrf_token": self.csrf(), "serial": serial, "code": code}
        if satisfaction is not None:
            data["satisfaction"] = satisfaction
        return self.client.post(self.url("/rate"), data=data)

    def api(self, path: str, body: Any = None, method: str = "POST"):
        return self.client.open(self.url(f"/api{path}"), method=method, json=body)

    # -- the database ------------------------------------------------------------------

    @contextmanager
    def scope(self) -> Iterator[None]:
        with self.app.app_context(), tenant_scope(self.tenant_id):
            yield
            db.session.commit()

    def read(self, fn: Callable[[], T]) -> T:
        with self.scope():
            return fn()

    def petitions(self) -> list[Petition]:
        def load() -> list[Petition]:
            rows = list(db.session.scalars(select(Petition).order_by(Petition.id)))
            for row in rows:
                db.session.expunge(row)
            return rows

        return self.read(load)

    def settings(self, **values: Any) -> None:
        with self.app.app_context():
            tenant = db.session.get(Tenant, self.tenant_id)
            enablement.update_settings(tenant, "petitions", values)
            db.session.commit()

    def move(self, serial: str, *moves: tuple[str, dict[str, Any]], comment: str = "同意") -> None:
        """Fire workflow moves on the petition as a leader holding every permission."""
        with self.scope():
            petition = db.session.scalar(select(Petition).where(Petition.serial == serial))
            leader = Actor(user=None, permissions=LEADER)
            for name, data in moves:
                PETITION_FLOW.fire(petition, name, leader, comment=comment, data=data)

    def close(
        self, serial: str, handler_user_id: int, reply: str = "经核实，已落实退休待遇。"
    ) -> None:
        self.move(
            serial,
            ("accept", {}),
            ("assign_handler", {"handler_user_id": handler_user_id}),
            ("draft", {"outcome": "support", "basis": "符合政策规定"}),
            ("approve", {}),
            ("close", {"reply_text": reply}),
        )


def build_portal(
    app: Flask, client: FlaskClient, factory: Factory, slug: str = "county"
) -> PortalWorld:
    tenant_id = factory.tenant(slug, plugins=["petitions"])
    with app.app_context():
        tenant = db.session.get(Tenant, tenant_id)
        enablement.update_settings(tenant, "petitions", {"portal_enabled": True})
        with tenant_scope(tenant_id):
            category = PetitionCategory(name="退休待遇")
            db.session.add(category)
            db.session.flush()
            category_id = category.id
        db.session.commit()
    # Counters live in the app (session-scoped in tests): every test starts from zero.
    app.extensions.pop("zugong.ratelimit", None)
    return PortalWorld(app, client, factory, slug, tenant_id, category_id)


TODAY = date(2026, 9, 16)
