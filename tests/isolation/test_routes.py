"""Tenant isolation, proven for every route in the URL map.

Two tenants with every plugin enabled and demo data: ``victim`` first (small ids), then
``attacker`` (ids from 1,000,000 on, so no victim id is ever one of the attacker's). For
every tenant route, and every method it answers:

1. the attacker's session and token on the victim's URLs get 404 (the token 401: the
   victim's tenant does not know it, exactly as for a made-up token);
2. the attacker, on its own URLs, filling every id in the path with the victim's ids,
   gets 404 — or exactly the answer a non-existent id gets (a form error that says
   nothing about the object);
3. afterwards every victim row is unchanged.

New routes are covered without anyone remembering them. The suite runs twice: with the
ORM criteria on, and with them switched off, where PostgreSQL row-level security alone
must keep the victim's rows out of reach.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import create_engine, event, pool, select, text

from core.db import db, tenant_owned_tables
from core.tenancy import session as scoped_session
from core.tenancy.models import Tenant
from core.tenancy.scope import tenant_scope
from tests.factories import Factory, Person, bearer, csrf_token, login

ATTACKER_ID_FLOOR = 1_000_000
MISSING_ID = 987_654_321
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
_INT_PARAM = re.compile(r"<int:(\w+)>")
_ANY_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def _owner(app: Flask):
    return create_engine(app.config["OWNER_DATABASE_URL"], poolclass=pool.NullPool)


def _bump_sequences(app: Flask) -> None:
    with _owner(app).begin() as conn:
        for table in tenant_owned_tables():
            conn.execute(
                text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {ATTACKER_ID_FLOOR})")
            )


def _seed(factory: Factory, slug: str, username: str) -> Person:
    plugins = factory.app.extensions["zugong.plugins"]
    factory.tenant(slug, plugins=plugins.names)
    roles = [
        "admin",
        *sorted({r.key for name in plugins.names for r in plugins.default_roles(name)}),
    ]
    person = factory.user(slug, username, roles=roles)
    factory.token(person)
    with factory.app.app_context():
        tenant = db.session.scalar(select(Tenant).where(Tenant.slug == slug))
        from core.plugins.manager import hook_for

        with tenant_scope(tenant.id):
            hook_for(tenant).zugong_demo_data(tenant=tenant)
        db.session.commit()
    return person


def _victim_ids(app: Flask, tenant_id: int) -> dict[str, list[int]]:
    with _owner(app).connect() as conn:
        return {
            table: conn.execute(
                text(f"SELECT id FROM {table} WHERE tenant_id = :t ORDER BY id LIMIT 3"),
                {"t": tenant_id},
            )
            .scalars()
            .all()
            for table in tenant_owned_tables()
        }


def _fingerprint(app: Flask, tenant_id: int) -> str:
    """A digest of every row the victim owns (read as the owner, around RLS)."""
    digest = hashlib.sha256()
    with _owner(app).connect() as conn:
        for table in tenant_owned_tables():
            for row in conn.execute(
                text(f"SELECT * FROM {table} WHERE tenant_id = :t ORDER BY id"), {"t": tenant_id}
            ):
                digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def _tenant_rules(app: Flask) -> Iterator[tuple[str, str, str]]:
    """(rule, method, kind) for every tenant route."""
    for rule in app.url_map.iter_rules():
        if "<tenant>" not in rule.rule or rule.rule.startswith("/p/"):
            continue  # the public portal is public by design; it has its own suite
        kind = "api" if rule.rule.startswith("/api/") else "pages"
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            yield rule.rule, method, kind


def _fill(rule: str, tenant: str, id_value: int) -> str:
    def replace(match: re.Match) -> str:
        converter, name = match.groups()
        if name == "tenant":
            return tenant
        if converter == "int":
            return str(id_value)
        return "petitions"  # string parameters name plugins, kinds, formats

    return _ANY_PARAM.sub(replace, rule)


@pytest.fixture(params=["orm-and-rls", "rls-only"])
def world(request, pg_app):
    factory = Factory(pg_app)
    _seed(factory, "victim", "victim_admin")
    _bump_sequences(pg_app)
    mallory = _seed(factory, "attacker", "mallory")
    victim_id = factory.tenant_id("victim")
    if request.param == "rls-only":
        event.remove(
            scoped_session.TenantSession, "do_orm_execute", scoped_session._scope_statement
        )
        request.addfinalizer(
            lambda: event.listen(
                scoped_session.TenantSession, "do_orm_execute", scoped_session._scope_statement
            )
        )
    return pg_app, victim_id, factory.token(mallory)


def _call(client, method: str, url: str, kind: str, token: str, csrf: str):
    headers = bearer(token) if kind == "api" else {"X-CSRFToken": csrf}
    body = {} if method in WRITE_METHODS and kind == "api" else None
    if kind == "pages" and method in WRITE_METHODS:
        return client.open(url, method=method, data={"csrf_token": csrf}, headers=headers)
    return client.open(url, method=method, json=body, headers=headers)


def test_no_route_reaches_another_tenant(world):
    app, victim_id, token = world
    before = _fingerprint(app, victim_id)
    victim_ids = [i for ids in _victim_ids(app, victim_id).values() for i in ids]
    assert victim_ids and max(victim_ids) < ATTACKER_ID_FLOOR
    client = app.test_client()
    assert login(client, "mallory").status_code == 302
    csrf = csrf_token(client, "/t/attacker/")
    failures = []
    checked = 0
    for rule, method, kind in _tenant_rules(app):
        # 1. The attacker's credentials on the victim's tenant.
        response = _call(client, method, _fill(rule, "victim", victim_ids[0]), kind, token, csrf)
        checked += 1
        # (The API does not know another tenant's token: 401, as for a made-up one.)
        if response.status_code not in ((401, 404) if kind == "api" else (404,)):
            failures.append(f"{method} {rule} on victim's tenant: {response.status_code}")
        # 2. The victim's ids on the attacker's own tenant.
        if not _INT_PARAM.search(rule):
            continue
        missing = _call(client, method, _fill(rule, "attacker", MISSING_ID), kind, token, csrf)
        for victim_object in victim_ids:
            response = _call(
                client, method, _fill(rule, "attacker", victim_object), kind, token, csrf
            )
            checked += 1
            same_as_missing = (response.status_code, response.data) == (
                missing.status_code,
                missing.data,
            )
            if response.status_code != 404 and not same_as_missing:
                failures.append(
                    f"{method} {rule} with victim id {victim_object}: {response.status_code}"
                )
    assert not failures, "\n".join(failures)
    assert checked > 0
    assert _fingerprint(app, victim_id) == before, "a victim row changed"
