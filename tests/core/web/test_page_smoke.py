"""Every page route once: a smoke pass over the URL map, on both databases.

One tenant with every plugin, its demo data and its public portal open, an admin holding
every role (and the platform operator flag): each GET page answers without a server error, and each page
whose path names no record answers 200 or a redirect. New routes are covered without
anyone remembering them. This is the embedded mode's proof that every page renders on
SQLite; the deeper page tests run on PostgreSQL.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta

from flask import Flask
from sqlalchemy import select, text, update

from core import clock
from core.auth.models import User
from core.db import db, tenant_owned_tables
from core.exportruns.models import ExportRun
from core.plugins import enablement
from core.plugins.manager import hook_for
from core.rollup.period import resolve
from core.rounds import service as rounds
from core.rounds.workflow import OPEN, SUBMIT
from core.tenancy.models import Tenant
from core.tenancy.scope import tenant_scope
from tests.core.rollup.world import NOV
from tests.factories import Factory, login
from tests.race import actor_of

SLUG = "smoke"
_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")
#: Pages that only ever answer with a redirect or a file are still pages; API routes,
#: static files and the health probes have suites of their own.
_NOT_PAGES = ("/api/", "/static/", "/healthz", "/readyz")


def _seed(factory: Factory) -> None:
    plugins = factory.app.extensions["zugong.plugins"]
    # A level above and below, for the pages of the upward flow (rounds, the subtree).
    factory.tenant("smoke-up", plugins=["petitions"])
    factory.tenant(SLUG, parent="smoke-up", plugins=plugins.names)
    factory.tenant("smoke-down", parent=SLUG, plugins=["petitions"])
    roles = ["admin", *sorted({r.key for n in plugins.names for r in plugins.default_roles(n)})]
    person = factory.user(SLUG, "smoker", roles=roles)
    upper = factory.user("smoke-up", "smoke-up-leader", roles=["leader"])
    _open_rounds(factory.app, {"smoke-up": upper.user_id, SLUG: person.user_id})
    with factory.app.app_context():
        tenant = db.session.scalar(select(Tenant).where(Tenant.slug == SLUG))
        with tenant_scope(tenant.id):
            hook_for(tenant).zugong_demo_data(tenant=tenant)
            enablement.update_settings(tenant, "petitions", {"portal_enabled": True})
            # A background export still queued: its progress page.
            db.session.add(
                ExportRun(
                    user_id=person.user_id,
                    name="petitions.ledger",
                    params={},
                    fmt="xlsx",
                    rows_total=120,
                    filename="信访台账.xlsx",
                    expires_at=clock.now() + timedelta(days=7),
                )
            )
        db.session.execute(update(User).where(User.id == person.user_id).values(is_operator=True))
        db.session.commit()


def _open_rounds(app: Flask, leaders: dict[str, int]) -> None:
    """A round opened above (so the smoke tenant has a submission) and one it opens."""
    for slug, user_id in leaders.items():
        with app.app_context():
            tenant = db.session.scalar(select(Tenant).where(Tenant.slug == slug))
            with tenant_scope(tenant.id):
                rounds.open_round(
                    tenant,
                    actor_of(user_id, frozenset({OPEN, SUBMIT, "core.rollup.view"})),
                    title="2026年11月信访统计",
                    plugins=["petitions"],
                    period=resolve(NOV),
                    due_on=date(2026, 12, 10),
                )
            db.session.commit()


def _page_rules(app: Flask) -> Iterator[str]:
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" in (rule.methods or ()) and not any(p in rule.rule for p in _NOT_PAGES):
            yield rule.rule


def _first_id(app: Flask, rule: str, param: str) -> int | None:
    """The smallest id of the table ``param`` names (``petition_id`` → ``petitions``),
    preferring the plugin the path is under; None where the demo data has none."""
    if param == "node_id":  # the subtree page: a tenant below
        with app.app_context():
            return db.session.scalar(select(Tenant.id).where(Tenant.slug == "smoke-down"))
    stem = param.removesuffix("_id")
    segment = rule.split("/")[3] if rule.startswith("/t/") else ""
    plural = f"{stem[:-1]}ies" if stem.endswith("y") else f"{stem}s"  # priority → priorities
    tables = [t for t in tenant_owned_tables() if t == plural or t.endswith(f"_{plural}")]
    tables.sort(key=lambda t: (not t.startswith(segment), len(t)))
    with app.app_context():
        tenant_id = db.session.scalar(select(Tenant.id).where(Tenant.slug == SLUG))
        with tenant_scope(tenant_id):  # on PostgreSQL, RLS shows nothing outside a scope
            for table in tables:
                query = text(f"SELECT min(id) FROM {table} WHERE tenant_id = :t")
                found = db.session.scalar(
                    query.execution_options(tenant_checked=True), {"t": tenant_id}
                )
                if found is not None:
                    return found
    return None


def _fill(app: Flask, rule: str) -> str | None:
    """The rule with every parameter filled, or None if a record it names is missing."""
    missing = False

    def replace(match: re.Match) -> str:
        nonlocal missing
        converter, name = match.groups()
        if name == "tenant":
            return SLUG
        if converter == "int":
            found = _first_id(app, rule, name)
            missing = missing or found is None
            return str(found or 0)
        return "petitions"  # string parameters name plugins, kinds, formats, documents

    url = _PARAM.sub(replace, rule)
    return None if missing else url


def test_every_page_route_answers_without_a_server_error(app, factory, client):
    _seed(factory)
    assert login(client, "smoker").status_code == 302
    failures, checked = [], 0
    for rule in _page_rules(app):
        url = _fill(app, rule)
        if url is None:
            failures.append(f"{rule}: no record in the demo data to open")
            continue
        status = client.get(url).status_code
        checked += 1
        names_a_record = "<" in rule.replace("<tenant>", "")
        if status >= 500 or (not names_a_record and status not in (200, 302)):
            failures.append(f"GET {url} ({rule}): {status}")
    assert checked > 50
    assert not failures, "\n".join(failures)
