"""Petitions at national scale: the deadline scan over every tenant, through the app role
under RLS.

Seeds ``--tenants`` tenants with ``--per-tenant`` petitions each (set-based
``INSERT … SELECT generate_series`` as the owner; states spread over the lifecycle,
receipt dates over the last 18 months), then, as the non-owner app role, times the
platform deadline scan (:func:`plugins.petitions.jobs.scan_all`, set-based over every
tenant in batches) cold (every row gets its light) and warm (nothing changed), beside a
set-based reference UPDATE written in this script and run by the owner on the same cold
table, and prints ``EXPLAIN ANALYZE`` of the scan's first batch over every tenant; then, for one tenant, times the list (first page, and a deep keyset page
at the end of the tenant's rows), the year's statistics, and prints the list's plan.

    python bench/petitions.py --owner-url postgresql+psycopg://postgres@127.0.0.1:5432/bench
"""

from __future__ import annotations

import argparse
import time
from datetime import date, timedelta

from flask import Flask
from sqlalchemy import create_engine, pool, select, text, tuple_
from timing import best_of

from core import clock
from core.api.pagination import decode_cursor
from core.app import create_app
from core.db import db
from core.migrate import upgrade
from core.tenancy.models import Tenant
from core.tenancy.scope import platform_write_scope, tenant_scope
from plugins.petitions.jobs import petition_tenants, scan_all, scan_thresholds
from plugins.petitions.models import Petition
from plugins.petitions.queries.deadlines import DUE_COLUMN_BY_STATE
from plugins.petitions.queries.petitions import KEYS, petition_page, petition_statement
from plugins.petitions.queries.statistics import compute
from plugins.petitions.services.lights import scan_statement

STATES = (
    "registered",
    "screening",
    "in_handling",
    "in_handling",
    "draft_outcome",
    "approved",
    "assigned",
    "closed",
    "rated",
    "final",
)
#: 1-based positions in STATES from which a seeded row carries an outcome, a reply, a
#: rating (what the moves into those states record).
DRAFTED, CLOSED, RATED = (STATES.index(s) + 1 for s in ("draft_outcome", "closed", "rated"))
OUTCOME = "support"


def seed(owner_url: str, tenants: int, per_tenant: int) -> None:
    engine = create_engine(owner_url, poolclass=pool.NullPool)
    states = "ARRAY[" + ",".join(f"'{s}'" for s in STATES) + "]"
    with engine.begin() as conn:
        conn.execute(
            text(
                "TRUNCATE petitions, petition_petitioners, petition_longterm, tenant_plugins, "
                "serial_counters, tenants RESTART IDENTITY CASCADE"
            )
        )
        conn.execute(
            text(
                "INSERT INTO tenants (slug, name, kind, locality_code, is_active, created_at) "
                "SELECT 'bench-' || t, '压测单位' || t, 'county_org_dept', "
                "lpad((330000 + t)::text, 6, '0'), true, now() FROM generate_series(1, :n) t"
            ),
            {"n": tenants},
        )
        conn.execute(
            text(
                "INSERT INTO tenant_plugins (tenant_id, plugin, enabled, settings, updated_at) "
                "SELECT id, 'petitions', true, '{}', now() FROM tenants"
            )
        )
        conn.execute(
            text(
                "INSERT INTO petitions (tenant_id, serial, received_on, channel, is_12380, kind, "
                "summary, urgency, people_count, is_bypassed_level, is_anonymous, state, "
                "accept_due, close_due, report_back_due, accepted_on, extended_days, "
                "leader_flagged, created_at, outcome, outcome_basis, reply_text, replied_on, "
                "satisfaction) "
                "SELECT t.id, 'XF-' || lpad(n::text, 8, '0'), d.received, 'letter', false, "
                "'request', '压测信访件', 'normal', 1, false, false, s.state, "
                "d.received + 15, d.received + 75, d.received + 45, d.received + 10, 0, false, "
                "now(), "
                # Each row as the workflow leaves it in its state: an outcome from the draft
                # on, a reply from closing on, a rating once rated (the guards of the
                # later moves read them; a closed petition without replied_on fails one).
                f"CASE WHEN s.i >= {DRAFTED} THEN '{OUTCOME}' END, "
                f"CASE WHEN s.i >= {DRAFTED} THEN '压测处理依据' END, "
                f"CASE WHEN s.i >= {CLOSED} THEN '压测答复' END, "
                f"CASE WHEN s.i >= {CLOSED} THEN least(d.received + 60, current_date) END, "
                f"CASE WHEN s.i >= {RATED} THEN 'satisfied' END "
                "FROM tenants t, generate_series(1, :m) n, "
                "LATERAL (SELECT current_date - ((n * 7919) % 540) AS received) d, "
                f"LATERAL (SELECT 1 + n % 10 AS i, ({states})[1 + n % 10] AS state) s"
            ),
            {"m": per_tenant},
        )
        conn.execute(text("ANALYZE"))
    engine.dispose()


def bench_app(owner_url: str, app_role: str) -> Flask:
    app_url = owner_url.replace("postgres@", f"{app_role}@", 1)
    app = create_app(
        {"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": app_url, "OWNER_DATABASE_URL": owner_url}
    )
    upgrade(app)
    return app


def analyze(owner_url: str) -> None:
    """What autovacuum does after a large change: the planner must know the lights."""
    engine = create_engine(owner_url, poolclass=pool.NullPool)
    with engine.begin() as conn:
        conn.execute(text("ANALYZE petitions"))
    engine.dispose()


def _owner_run(owner_url: str, sql: str) -> tuple[float, int]:
    """Run ``sql`` as the owner (no RLS) in one transaction; seconds and rows."""
    engine = create_engine(owner_url, poolclass=pool.NullPool)
    with engine.begin() as conn:
        start = time.perf_counter()
        rows = conn.execute(text(sql)).rowcount
        elapsed = time.perf_counter() - start
    engine.dispose()
    return elapsed, rows


def _owner_maintain(owner_url: str, sql: str) -> None:
    engine = create_engine(owner_url, poolclass=pool.NullPool, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(sql))
    engine.dispose()


def reference_sql(today: date, warning_days: int = 3, *, full: bool = True) -> str:
    """The set-based reference: one UPDATE of every tenant's petitions, written out by
    hand (the owner runs it: no RLS, no batches, one transaction, one window for all)."""
    arms = {}
    for state, column in DUE_COLUMN_BY_STATE.items():
        arms.setdefault(column, []).append(state)
    due = (
        "CASE "
        + " ".join(
            f"WHEN state IN ({', '.join(repr(s) for s in states)}) THEN {column}"
            for column, states in arms.items()
        )
        + " END"
    )
    until = today + timedelta(days=warning_days)
    light = (
        f"CASE WHEN ({due}) IS NULL THEN NULL WHEN ({due}) < '{today}' THEN 'red' "
        f"WHEN ({due}) <= '{until}' THEN 'yellow' ELSE 'green' END"
    )
    where = f"(current_due IS DISTINCT FROM ({due}) OR light IS DISTINCT FROM ({light}))"
    if not full:
        where += (
            f" AND ((light = 'green' AND current_due <= '{until}')"
            f" OR (light = 'yellow' AND current_due < '{today}'))"
        )
    return f"UPDATE petitions SET current_due = {due}, light = {light} WHERE {where}"


def _cold(owner_url: str) -> None:
    """Back to the seeded state: no light or deadline stored, the table vacuumed."""
    _owner_run(owner_url, "UPDATE petitions SET light = NULL, current_due = NULL")
    _owner_maintain(owner_url, "VACUUM ANALYZE petitions")


def time_scan(app: Flask, owner_url: str, *, fresh: bool = False) -> dict[str, float]:
    """The daily full scan cold (every light written) beside the reference statement on
    the same cold table, then warm (nothing changed), and the hourly threshold scan,
    today and as of tomorrow, beside the reference's hourly form."""
    figures: dict[str, float] = {}
    today = clock.today()
    if not fresh:  # a fresh seed stores no light or deadline yet
        _cold(owner_url)
    figures["reference, full, cold"], rows = _owner_run(owner_url, reference_sql(today))
    print(
        f"reference full UPDATE (owner, cold): {figures['reference, full, cold']:7.2f} s, {rows:,} rows"
    )
    _cold(owner_url)
    runs = (
        ("full, cold", lambda: scan_all(today)),
        ("full, warm", lambda: scan_all(today)),
        ("hourly thresholds, today", lambda: scan_thresholds(today)),
        ("hourly thresholds, tomorrow", lambda: scan_thresholds(today + timedelta(days=1))),
    )
    with app.app_context():
        for label, run in runs:
            start = time.perf_counter()
            totals = run()
            db.session.commit()
            figures[label] = time.perf_counter() - start
            if label == "full, cold":
                analyze(owner_url)
            print(
                f"deadline scan ({label}): {figures[label]:7.2f} s, "
                f"{totals['tenants']} tenants, {totals['petitions']:,} rows changed"
            )
    after = today + timedelta(days=2)
    figures["reference, hourly"], rows = _owner_run(owner_url, reference_sql(after, full=False))
    print(
        f"reference hourly UPDATE (owner, as of +2 days): {figures['reference, hourly']:7.2f} s, {rows:,} rows"
    )
    ratio = figures["full, cold"] / figures["reference, full, cold"]
    print(f"cold full scan / reference: {ratio:.2f}x (target <= 1.5x)")
    print(f"warm hourly scan: {figures['hourly thresholds, today']:.2f} s (target <= 1 s)")
    return figures


def explain_scan(app: Flask, today: date | None = None) -> None:
    """EXPLAIN ANALYZE of the first batch of the scan over every tenant as it runs (app
    role in the platform write scope, RLS on): the daily full comparison and the hourly
    threshold look, as of tomorrow (rolled back)."""
    tomorrow = (today or clock.today()) + timedelta(days=1)
    with app.app_context():
        tenants = [t.id for t in petition_tenants()]
        windows = dict.fromkeys(tenants, 3)
        for label, full in (("daily full", True), ("hourly thresholds", False)):
            statement = scan_statement(windows, tomorrow, full=full)
            # Bound, not literal: the VALUES list's dates must stay dates.
            compiled = statement.compile(db.engine, compile_kwargs={"render_postcompile": True})
            with platform_write_scope("bench: explain", tenants):
                connection = db.session.connection()
                connection.execute(text("select 1"))  # sends the scope's settings and role
                plan = connection.exec_driver_sql(
                    f"EXPLAIN (ANALYZE, BUFFERS) {compiled}", compiled.params
                ).scalars()
                print(f"plan of the {label} scan's first batch, {len(tenants)} tenants:")
                for line in plan:
                    if not line.strip().startswith(("Filter:", "Join Filter:")):  # long CASEs
                        print("   ", line)
            db.session.rollback()


def _bench_tenant(app: Flask) -> Tenant:
    return db.session.execute(
        select(Tenant).where(Tenant.slug.like("bench-%")).order_by(Tenant.id).limit(1)
    ).scalar_one()


def time_list_and_statistics(app: Flask) -> dict[str, float]:
    """One tenant's list (first page; the last keyset page) and the year's statistics,
    through the same functions the API calls, as the app role under RLS."""
    figures: dict[str, float] = {}
    with app.test_request_context():
        tenant = _bench_tenant(app)
        with tenant_scope(tenant.id):
            first = petition_page({"limit": 50})
            cursor, pages = first.next_cursor, 1
            while cursor:  # walk to the deepest page once, untimed
                deep_cursor = cursor
                cursor = petition_page({"limit": 50, "cursor": cursor}).next_cursor
                pages += 1
            figures["list_first_ms"] = best_of(5, lambda: petition_page({"limit": 50}))
            figures["list_deep_ms"] = best_of(
                5, lambda: petition_page({"limit": 50, "cursor": deep_cursor})
            )
            figures["list_state_ms"] = best_of(
                5, lambda: petition_page({"limit": 50, "state": "in_handling"})
            )
            year = {"period": "year", "year": clock.today().year}
            figures["statistics_year_ms"] = best_of(3, lambda: compute(tenant, year))
            print(f"list, first page (50):         {figures['list_first_ms']:8.1f} ms")
            print(f"list, page {pages} (deepest):      {figures['list_deep_ms']:8.1f} ms")
            print(f"list, state=in_handling:       {figures['list_state_ms']:8.1f} ms")
            print(f"statistics, this year:         {figures['statistics_year_ms']:8.1f} ms")
            _print_plan(
                "list, deepest page",
                petition_statement({})
                # what the ORM's tenant criterion adds to every query of the request
                .where(Petition.tenant_id == tenant.id)
                .where(
                    tuple_(Petition.received_on, Petition.id) < tuple_(*_cursor_values(deep_cursor))
                )
                .order_by(Petition.received_on.desc(), Petition.id.desc())
                .limit(51),
            )
        db.session.rollback()
    return figures


def _cursor_values(cursor: str) -> list[object]:
    return list(decode_cursor(cursor, KEYS))


def _print_plan(title: str, statement) -> None:
    compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
    plan = db.session.execute(
        text(f"EXPLAIN (ANALYZE, BUFFERS) {compiled}"), execution_options={"tenant_checked": True}
    ).scalars()
    print(f"plan of {title} (app role, RLS on):")
    for line in plan:
        print("   ", line)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--owner-url", required=True)
    parser.add_argument("--app-role", default="zugong_app")
    parser.add_argument("--tenants", type=int, default=500)
    parser.add_argument("--per-tenant", type=int, default=2000)
    parser.add_argument("--no-seed", action="store_true")
    parser.add_argument("--skip-scan", action="store_true", help="only the list and statistics")
    args = parser.parse_args()

    app = bench_app(args.owner_url, args.app_role)
    if not args.no_seed:
        start = time.perf_counter()
        seed(args.owner_url, args.tenants, args.per_tenant)
        print(
            f"seeded {args.tenants} tenants x {args.per_tenant} petitions "
            f"= {args.tenants * args.per_tenant:,} in {time.perf_counter() - start:.1f} s"
        )
    if not args.skip_scan:
        time_scan(app, args.owner_url, fresh=not args.no_seed)
        explain_scan(app)
    time_list_and_statistics(app)


if __name__ == "__main__":
    main()
