"""Building tenants, people and sessions for tests, through the real services."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from core.auth.models import Membership, User
from core.auth.permissions import grant_roles
from core.auth.tokens import create_token
from core.db import db
from core.plugins import enablement
from core.plugins.enablement import provision_roles
from core.plugins.manager import CORE
from core.tenancy.models import Tenant
from core.tenancy.scope import tenant_scope

PASSWORD = "correct-horse-9"


@dataclass
class Person:
    user_id: int
    username: str
    tenant_slug: str


class Factory:
    """``factory.tenant("a", plugins=["petitions"])``, ``factory.user("a", roles=[...])``."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def tenant(
        self,
        slug: str,
        *,
        name: str | None = None,
        parent: str | None = None,
        plugins: tuple[str, ...] | list[str] = (),
        locality_code: str = "330122",
        kind: str = "county_org_dept",
    ) -> int:
        with self.app.app_context():
            parent_id = (
                db.session.scalar(select(Tenant.id).where(Tenant.slug == parent))
                if parent
                else None
            )
            tenant = Tenant(
                slug=slug,
                name=name or f"{slug}单位",
                kind=kind,
                locality_code=locality_code,
                parent_id=parent_id,
            )
            db.session.add(tenant)
            db.session.flush()
            with tenant_scope(tenant.id):
                provision_roles(CORE)
            for plugin in plugins:
                enablement.enable(tenant, plugin)
            db.session.commit()
            return tenant.id

    def user(
        self,
        tenant_slug: str,
        username: str,
        *,
        roles: tuple[str, ...] | list[str] = ("admin",),
        display_name: str | None = None,
    ) -> Person:
        with self.app.app_context():
            tenant = db.session.scalar(select(Tenant).where(Tenant.slug == tenant_slug))
            user = db.session.scalar(select(User).where(User.username == username))
            if user is None:
                user = User(username=username, display_name=display_name or username)
                user.set_password(PASSWORD)
                db.session.add(user)
                db.session.flush()
            with tenant_scope(tenant.id):
                membership = Membership(user_id=user.id)
                db.session.add(membership)
                db.session.flush()
                grant_roles(membership, list(roles))
            db.session.commit()
            return Person(user.id, username, tenant_slug)

    def token(self, person: Person, lifetime: timedelta | None = timedelta(days=1)) -> str:
        with self.app.app_context():
            tenant = db.session.scalar(select(Tenant).where(Tenant.slug == person.tenant_slug))
            user = db.session.get(User, person.user_id)
            with tenant_scope(tenant.id):
                _token, plaintext = create_token(user, "test", lifetime)
            db.session.commit()
            return plaintext

    def tenant_id(self, slug: str) -> int:
        with self.app.app_context():
            return db.session.scalar(select(Tenant.id).where(Tenant.slug == slug))


def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def login(client: FlaskClient, username: str, password: str = PASSWORD) -> Any:
    token = csrf_token(client)
    return client.post(
        "/login", data={"username": username, "password": password, "csrf_token": token}
    )


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
