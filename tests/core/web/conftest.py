"""Two tenants with an admin and a staff member each, and an app with a dependent plugin.

``world`` builds tenant ``a`` (petitions enabled) and tenant ``b`` (petitions enabled),
with ``alice`` (admin + petition_leader) and ``sam`` (staff) in ``a``, ``bob`` (admin)
and ``stan`` (staff) in ``b``, and a bearer token for each.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from flask import Blueprint, Flask, jsonify
from sqlalchemy import select

from core.db import db
from core.plugins import hookimpl
from core.plugins.types import PermissionDef, PluginMeta, RoleDef
from core.routing import tenant_blueprint
from core.tenancy.models import Tenant
from core.tenancy.scope import tenant_scope
from tests.factories import Factory, Person, bearer


@dataclass
class World:
    alice: Person
    sam: Person
    bob: Person
    stan: Person
    tokens: dict[str, str]

    def h(self, who: str, **extra: str) -> dict[str, str]:
        return {**bearer(self.tokens[who]), **extra}


@pytest.fixture
def world(factory: Factory) -> World:
    factory.tenant("a", plugins=["petitions"])
    factory.tenant("b", plugins=["petitions"])
    people = {
        "alice": factory.user("a", "alice", roles=["admin", "petition_leader"]),
        "sam": factory.user("a", "sam", roles=["staff"]),
        "bob": factory.user("b", "bob", roles=["admin"]),
        "stan": factory.user("b", "stan", roles=["staff"]),
    }
    tokens = {name: factory.token(person) for name, person in people.items()}
    return World(**people, tokens=tokens)


@contextmanager
def in_tenant(app: Flask, slug: str) -> Iterator[Tenant]:
    """Read (or write) as tenant ``slug`` outside any request; rolled back at the end."""
    with app.app_context():
        tenant = db.session.scalar(select(Tenant).where(Tenant.slug == slug))
        try:
            with tenant_scope(tenant.id):
                yield tenant
        finally:
            db.session.rollback()


# -- a plugin that depends on petitions, with a route of its own -------------------------

casework_api = tenant_blueprint(
    "casework_api", __name__, kind="api", plugin="casework", prefix="/casework"
)


@casework_api.get("/ping")
def casework_ping():
    return jsonify({"pong": True})


class Casework:
    """A third-party plugin as pip would install it: depends on petitions."""

    @hookimpl
    def zugong_plugin_meta(self) -> PluginMeta:
        return PluginMeta("casework", "案件协同", "Casework", "0.1.0", depends_on=("petitions",))

    @hookimpl
    def zugong_permissions(self) -> list[PermissionDef]:
        return [PermissionDef("casework.view", "查看案件")]

    @hookimpl
    def zugong_default_roles(self) -> list[RoleDef]:
        return [RoleDef("caseworker", "案件专员", ("casework.view",))]

    @hookimpl
    def zugong_blueprints(self) -> list[Blueprint]:
        return [casework_api]


@pytest.fixture
def dep_app(sibling_app) -> Flask:
    """The same database as ``app`` (already reset), with the casework plugin installed."""
    return sibling_app("casework", EXTRA_PLUGINS=[("casework", Casework())])
