"""Supervision at scale: the traffic-light board of one tenant and the full reminder scan.

Seeds ``--tenants`` tenants (default 500) with ``--items`` items each (default 400, so
200,000 items) and two milestones per item, set-based with generate_series as the owner.
Then, as the non-owner app role under row-level security:

* the board query of one tenant (open items with their live light and names), timed,
  with its EXPLAIN ANALYZE plan;
* a set-based reference: one UPDATE of every tenant's lights, run by the owner;
* the platform scan (:func:`plugins.supervision.jobs.run_scan`: the lights in batches
  over every tenant, one INSERT … SELECT … ON CONFLICT DO NOTHING for every kind of
  reminder of every tenant) cold, then warm (0 new reminders), with the plans of its
  statements over every tenant.

    psql -h 127.0.0.1 -U postgres -c 'create database zugong_bench_sup' postgres
    .venv/bin/python bench/supervision.py \\
        --owner-url postgresql+psycopg://postgres@127.0.0.1:5432/zugong_bench_sup
"""

from __future__ import annotations

import argparse
import time

from sqlalchemy import create_engine, pool, text, update
from sqlalchemy.dialects import postgresql
from timing import timed

from core import clock
from core.app import create_app
from core.db import db
from core.jobs.platform import plugin_tenants
from core.migrate import upgrade
from core.tenancy.models import Tenant
from core.tenancy.scope import platform_write_scope, tenant_scope
from plugins.supervision.jobs import light_update, reminder_selects, run_scan, windows_table
from plugins.supervision.models import OPEN_STATES, SupervisionItem
from plugins.supervision.queries.board import board_statement
from plugins.supervision.queries.lights import light_expression, window_for, windows_for

STATES = "ARRAY['assigned','acknowledged','in_progress','in_progress','completion_requested','closed','rated','created']"


def seed(owner_url: str, tenants: int, items: int) -> None:
    engine = create_engine(owner_url, poolclass=pool.NullPool)
    with engine.begin() as conn:
        conn.execute(
            text(
                "TRUNCATE supervision_reminders, supervision_milestones, supervision_items, "
                "state_changes, audit_entries, audit_heads, serial_counters, memberships, "
                "org_units, tenant_plugins, tenants, users RESTART IDENTITY CASCADE"
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
                "SELECT id, 'supervision', true, '{}', now() FROM tenants"
            )
        )
        # Ten people per tenant (five leaders, five responsible persons) and four sections.
        conn.execute(
            text(
                "INSERT INTO users (username, display_name, password_hash, is_active, "
                "is_operator, created_at) SELECT 'u' || t.id || '-' || p, '人员' || p, 'x', "
                "true, false, now() FROM tenants t, generate_series(1, 10) p"
            )
        )
        conn.execute(
            text(
                "INSERT INTO memberships (tenant_id, user_id, is_active, created_at) "
                "SELECT t.id, u.id, true, now() FROM tenants t "
                "JOIN users u ON u.username LIKE 'u' || t.id || '-%'"
            )
        )
        conn.execute(
            text(
                "INSERT INTO org_units (tenant_id, name, kind, sort_order, is_active, created_at) "
                "SELECT id, '科室' || s, 'section', s, true, now() "
                "FROM tenants, generate_series(1, 4) s"
            )
        )
        conn.execute(
            text(
                f"""
                WITH people AS (
                    SELECT m.tenant_id, array_agg(m.user_id ORDER BY m.user_id) AS ids
                    FROM memberships m GROUP BY m.tenant_id
                ), units AS (
                    SELECT tenant_id, array_agg(id ORDER BY id) AS ids
                    FROM org_units GROUP BY tenant_id
                )
                INSERT INTO supervision_items (
                    tenant_id, serial, title, source, leader_user_id, section_id,
                    person_user_id, deadline, feedback_cycle, priority, state, percent,
                    assigned_on, acknowledge_due, acknowledged_on, report_due, closed_on,
                    created_at)
                SELECT t.id, 'DC-2026-' || lpad(i::text, 4, '0'), '督办事项' || i,
                    (ARRAY['priorities','meeting','instruction','upper'])[1 + i % 4],
                    p.ids[1 + i % 5], u.ids[1 + i % 4], p.ids[6 + i % 5],
                    current_date + (i % 150) - 40,
                    (ARRAY['weekly','monthly','once'])[1 + i % 3], 'normal',
                    s.state, (i * 7) % 100,
                    current_date - 20, current_date - 18,
                    CASE WHEN s.state <> 'assigned' THEN current_date - 17 END,
                    CASE WHEN s.state IN ('acknowledged','in_progress')
                         THEN current_date + (i % 20) - 10 END,
                    CASE WHEN s.state IN ('closed','rated')
                         THEN current_date - (i % 60) END,
                    now()
                FROM tenants t
                JOIN people p ON p.tenant_id = t.id
                JOIN units u ON u.tenant_id = t.id
                CROSS JOIN generate_series(1, :items) i
                CROSS JOIN LATERAL (SELECT ({STATES})[1 + i % 8] AS state) s
                """
            ),
            {"items": items},
        )
        conn.execute(
            text(
                "INSERT INTO supervision_milestones (tenant_id, item_id, seq, title, due, "
                "done_on, created_at) "
                "SELECT i.tenant_id, i.id, n, '节点' || n, i.deadline - (30 / n), "
                "CASE WHEN i.id % 3 = 0 THEN i.deadline - 40 END, now() "
                "FROM supervision_items i, generate_series(1, 2) n"
            )
        )
        conn.execute(text("ANALYZE"))
    engine.dispose()


def explain(statement, tenant_id: int) -> list[str]:
    """EXPLAIN ANALYZE as the statement runs: bound parameters (the per-tenant table's
    dates must stay dates), on the session's connection with its scope already sent."""
    compiled = statement.compile(
        dialect=postgresql.psycopg.dialect(), compile_kwargs={"render_postcompile": True}
    )
    connection = db.session.connection()
    connection.execute(text("select 1"))  # sends the scope's settings (and role)
    return list(
        connection.exec_driver_sql(
            f"EXPLAIN (ANALYZE, BUFFERS) {compiled}", compiled.params
        ).scalars()
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--owner-url", required=True)
    parser.add_argument("--app-role", default="zugong_app")
    parser.add_argument("--tenants", type=int, default=500)
    parser.add_argument("--items", type=int, default=400)
    parser.add_argument("--no-seed", action="store_true")
    args = parser.parse_args()

    app_url = args.owner_url.replace("postgres@", f"{args.app_role}@", 1)
    app = create_app(
        {
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": app_url,
            "OWNER_DATABASE_URL": args.owner_url,
        }
    )
    upgrade(app)
    if not args.no_seed:
        start = time.perf_counter()
        seed(args.owner_url, args.tenants, args.items)
        print(
            f"seeded {args.tenants} tenants x {args.items} items (+2 milestones each) "
            f"in {time.perf_counter() - start:.1f} s"
        )

    with app.app_context():
        ids = (
            db.session.execute(
                text("select id from tenants where slug like 'bench-%' order by id"),
                execution_options={"tenant_checked": True},
            )
            .scalars()
            .all()
        )
        middle = ids[len(ids) // 2]
        with tenant_scope(middle):
            tenant = db.session.get(Tenant, middle)
            statement = board_statement(tenant, {})

            def board():
                return db.session.execute(statement).all()

            rows = len(board())
            median, worst = timed(board)
            print(
                f"board of one tenant ({rows} open items): median {median:6.2f} ms, max {worst:6.2f} ms"
            )
            print("board plan (app role, RLS on):")
            explicit = statement.where(SupervisionItem.tenant_id == middle)
            for line in explain(explicit, middle):
                print("   ", line)
            db.session.rollback()

        # Every run measures a first scan from nothing, then a second one.
        owner = create_engine(args.owner_url, poolclass=pool.NullPool)
        with owner.begin() as conn:
            conn.execute(text("TRUNCATE supervision_reminders"))
            conn.execute(text("UPDATE supervision_items SET light = NULL"))
            conn.execute(text("ANALYZE supervision_items"))
        owner.dispose()

        def reference() -> tuple[float, int]:
            """One hand-built UPDATE of every tenant's lights with the default windows,
            run by the owner (no RLS, no batches): what the set-based scan is held to."""
            window = window_for(db.session.get(Tenant, middle), clock.today())
            colour = light_expression(window)
            statement = (
                update(SupervisionItem)
                .where(
                    SupervisionItem.state.in_(OPEN_STATES),
                    SupervisionItem.light.is_distinct_from(colour),
                )
                .values(light=colour)
            )
            sql = str(
                statement.compile(
                    dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}
                )
            )
            db.session.rollback()
            owner = create_engine(args.owner_url, poolclass=pool.NullPool)
            with owner.begin() as conn:
                begin = time.perf_counter()
                rows = conn.execute(text(sql)).rowcount
                elapsed = time.perf_counter() - begin
                conn.execute(text("UPDATE supervision_items SET light = NULL"))
            with owner.connect() as conn:
                conn.execution_options(isolation_level="AUTOCOMMIT").execute(
                    text("VACUUM ANALYZE supervision_items")
                )
            owner.dispose()
            return elapsed, rows

        elapsed, rows = reference()
        print(f"reference light UPDATE (owner, cold, all tenants): {elapsed:.2f} s, {rows:,} rows")
        for label in ("cold", "warm"):
            start = time.perf_counter()
            totals = run_scan()
            db.session.commit()
            spent = time.perf_counter() - start
            print(f"platform scan over {len(ids)} tenants ({label}): {spent:.2f} s; {totals}")
            if label == "cold":
                print(f"cold scan (lights + reminders) / reference lights: {spent / elapsed:.2f}x")

        tenants = [t.id for t in plugin_tenants("supervision")]
        w = windows_table(windows_for(tenants, clock.today()))
        with platform_write_scope("bench: explain", tenants):
            print(f"light update plan (first batch, {len(tenants)} tenants):")
            for line in explain(light_update(w, clock.today()), middle):
                print("   ", line)
            for kind in ("deadline", "report"):
                print(f"reminder select plan ({kind}, {len(tenants)} tenants):")
                for line in explain(reminder_selects(w, clock.today())[kind], middle):
                    print("   ", line)
        db.session.rollback()
    print(f"rows in supervision_items: {args.tenants * args.items:,}")


if __name__ == "__main__":
    main()
