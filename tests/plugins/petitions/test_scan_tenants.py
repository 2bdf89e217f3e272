"""The deadline scan across tenants (issue 14): one set of statements for every tenant
that enables petitions, each tenant with its own warning window, in batches that commit,
and as many statements for twenty tenants as for two."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event, func, select

from core.auth.users import Actor
from core.db import db
from core.plugins import enablement
from core.tenancy.models import Tenant
from core.tenancy.scope import platform_write_scope, tenant_scope
from plugins.petitions.jobs import scan_all, scan_thresholds
from plugins.petitions.models import Petition
from plugins.petitions.services.lights import scan_tenants
from plugins.petitions.services.registration import register
from tests.perf.statements import counting

RECEIVED = date(2026, 9, 16)  # accept_due 10-08 (15 days → 10-01, National Day → 10-08)
REGISTRAR = Actor(user=None, permissions=frozenset({"petitions.register"}))


@pytest.fixture(autouse=True)
def _today(app_context, set_today):
    set_today(RECEIVED)


def _county(factory, slug: str, warning_days: int | None = None, petitions: int = 1) -> int:
    tenant_id = factory.tenant(slug, plugins=["petitions"])
    with tenant_scope(tenant_id):
        if warning_days is not None:
            tenant = db.session.get(Tenant, tenant_id)
            enablement.update_settings(tenant, "petitions", {"warning_days": warning_days})
        for _ in range(petitions):
            data = {"received_on": RECEIVED, "channel": "letter", "kind": "request"}
            register({**data, "summary": "反映问题"}, [], [], REGISTRAR)
    db.session.commit()
    return tenant_id


def _lights(tenant_id: int) -> list[str | None]:
    with tenant_scope(tenant_id):
        return list(db.session.scalars(select(Petition.light).order_by(Petition.id)))


def test_each_tenant_lights_with_its_own_window_in_one_scan(factory, set_today):
    three = _county(factory, "three")  # the default window: 3 days
    five = _county(factory, "five", warning_days=5)
    ten = _county(factory, "ten", warning_days=10)
    set_today(date(2026, 9, 30))  # 8 days before 10-08: only the ten-day window
    assert scan_thresholds() == {"tenants": 3, "petitions": 1, "reviews": 0}
    assert (_lights(three), _lights(five), _lights(ten)) == (["green"], ["green"], ["yellow"])
    set_today(date(2026, 10, 3))  # 5 days before
    assert scan_all()["petitions"] == 1
    assert (_lights(three), _lights(five), _lights(ten)) == (["green"], ["yellow"], ["yellow"])
    set_today(date(2026, 10, 9))  # a day late: red everywhere
    assert scan_thresholds()["petitions"] == 3
    assert scan_all()["petitions"] == 0  # nothing left to change
    assert {_lights(t)[0] for t in (three, five, ten)} == {"red"}


def test_a_disabled_tenant_is_left_alone(factory, set_today):
    kept = _county(factory, "kept")
    left = _county(factory, "left")
    with tenant_scope(left):
        enablement.disable(db.session.get(Tenant, left), "petitions")
    db.session.commit()
    set_today(date(2026, 10, 9))
    assert scan_all() == {"tenants": 1, "petitions": 1, "reviews": 0}
    assert (_lights(kept), _lights(left)) == (["red"], ["green"])


def test_batches_commit_as_they_go(factory, set_today):
    tenants = [_county(factory, slug, petitions=2) for slug in ("a", "b", "c")]
    set_today(date(2026, 10, 9))
    commits: list[object] = []

    def committed(connection: object) -> None:
        commits.append(connection)

    event.listen(db.engine, "commit", committed)
    try:
        with counting(db.engine) as statements, platform_write_scope("test: batches", tenants):
            changed = scan_tenants(dict.fromkeys(tenants, 3), batch_rows=4)
    finally:
        event.remove(db.engine, "commit", committed)
    assert changed == 6
    updates = [s for s in statements if s.startswith("UPDATE petitions")]
    assert len(updates) == 2  # 4 rows, then the last 2 (fewer than a batch: done)
    assert len(commits) == 2  # each batch committed on its own
    assert {light for t in tenants for light in _lights(t)} == {"red"}


def _scan_statements() -> int:
    with counting(db.engine) as statements:
        scan_all()
    return len(statements)


def test_statements_do_not_grow_with_tenants(factory, set_today):
    for i in range(2):
        _county(factory, f"few{i}", warning_days=3 + i)
    set_today(date(2026, 10, 6))
    two = _scan_statements()
    for i in range(18):
        _county(factory, f"many{i}", warning_days=3 + i % 4)
    set_today(date(2026, 10, 9))
    twenty = _scan_statements()
    assert db.session.scalar(select(func.count()).select_from(Tenant)) >= 20
    assert twenty == two
