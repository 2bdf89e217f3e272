"""The upward roll-up (汇总) at national scale: a province over 100 cities and 3,000
counties, 3,000,000 petitions and 1,000,000 supervision items, all in the benchmark year.

Seeds set-based with INSERT … SELECT generate_series as the owner, then, as the non-owner
app role under row-level security, the province's year roll-up of petitions and of
supervision through :func:`core.rollup.service.compute` (the page's own call: subtree
query, enablement, the audited cross-tenant scope, the plugins' GROUP BY tenant_id
queries, the sums per city): first load in a fresh process, then warm (best of 3), and
EXPLAIN (ANALYZE, BUFFERS) of every statement the roll-up ran on the plugin's tables,
with the parameters it ran them with.

    psql -h 127.0.0.1 -U postgres -c 'create database zg_bench_rollup' postgres
    .venv/bin/python bench/rollup.py \\
        --owner-url postgresql+psycopg://postgres@127.0.0.1:5432/zg_bench_rollup
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import datetime
from pathlib import Path

# bench/ holds http.py: first on the path (as the script's folder) it shadows the standard
# library's ``http`` (werkzeug imports http.server). Put the folder last.
BENCH = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH] + [str(BENCH)]

from petitions import bench_app  # noqa: E402 - after the path is fixed
from sqlalchemy import create_engine, event, pool, select, text  # noqa: E402
from timing import best_of  # noqa: E402

from core import clock  # noqa: E402
from core.db import db  # noqa: E402
from core.rollup import service  # noqa: E402
from core.rollup.period import resolve  # noqa: E402
from core.rollup.tree import subtree  # noqa: E402
from core.tenancy.models import Tenant  # noqa: E402
from core.tenancy.scope import cross_tenant_scope, tenant_scope  # noqa: E402

YEAR = 2026
PETITION_STATES = (
    "ARRAY['registered','screening','accepted','in_handling','closed','rated',"
    "'not_accepted','forwarded','closed','rated']"
)
ITEM_STATES = (
    "ARRAY['assigned','in_progress','in_progress','completion_requested','closed','rated']"
)


def _tenants(conn, cities: int, per_city: int) -> None:
    conn.execute(
        text(
            "INSERT INTO tenants (slug, name, kind, locality_code, is_active, created_at) "
            "VALUES ('bench-province', '压测省委组织部', 'province_org_dept', '330000', true, now())"
        )
    )
    conn.execute(
        text(
            "INSERT INTO tenants (slug, name, kind, locality_code, parent_id, is_active, created_at) "
            "SELECT 'bench-city-' || c, '压测市' || c, 'city_org_dept', lpad((c * 100)::text, 6, '0'), "
            "(SELECT id FROM tenants WHERE slug = 'bench-province'), true, now() "
            "FROM generate_series(1, :cities) c"
        ),
        {"cities": cities},
    )
    conn.execute(
        text(
            "INSERT INTO tenants (slug, name, kind, locality_code, parent_id, is_active, created_at) "
            "SELECT 'bench-county-' || p.id || '-' || k, p.name || '县' || k, 'county_org_dept', "
            "lpad((p.id * 100 + k)::text, 6, '0'), p.id, true, now() "
            "FROM tenants p, generate_series(1, :per_city) k WHERE p.kind = 'city_org_dept'"
        ),
        {"per_city": per_city},
    )
    conn.execute(
        text(
            "INSERT INTO tenant_plugins (tenant_id, plugin, enabled, settings, updated_at) "
            "SELECT t.id, p, true, '{}', now() FROM tenants t, "
            "unnest(ARRAY['petitions', 'supervision']) p"
        )
    )


#: Counties numbered 0…n-1, so that row n of a series lands in county n mod the count.
COUNTIES = (
    "WITH c AS (SELECT id, (row_number() OVER (ORDER BY id) - 1) AS k "
    "FROM tenants WHERE kind = 'county_org_dept'), nc AS (SELECT count(*) AS n FROM c) "
)


def _records(conn, petitions: int, items: int) -> None:
    conn.execute(
        text(
            COUNTIES + "INSERT INTO petitions (tenant_id, serial, received_on, channel, is_12380, "
            "kind, summary, urgency, people_count, is_bypassed_level, is_anonymous, state, "
            "accept_due, close_due, decided_on, accepted_on, replied_on, satisfaction, "
            "extended_days, leader_flagged, created_at) "
            "SELECT c.id, 'XF-' || lpad(s.n::text, 9, '0'), d.received, "
            "(ARRAY['letter','visit','phone','online','referred'])[1 + s.n % 5], false, "
            "(ARRAY['request','report','appeal','suggestion','enquiry'])[1 + s.n % 5 / 2], "
            f"'压测信访件', 'normal', 1 + (s.n % 13 = 0)::int * 5, s.n % 17 = 0, false, "
            f"st.state, d.received + 15, d.received + 75, d.received + 5, "
            "CASE WHEN st.state IN ('accepted','in_handling','closed','rated') THEN d.received + 5 END, "
            "CASE WHEN st.state IN ('closed','rated') THEN d.received + 40 + s.n % 50 END, "
            "CASE WHEN st.state = 'rated' THEN "
            "(ARRAY['satisfied','basically_satisfied','dissatisfied'])[1 + s.n % 3] END, "
            "0, false, now() "
            "FROM generate_series(0, :m - 1) s(n) CROSS JOIN nc JOIN c ON c.k = s.n % nc.n "
            f"CROSS JOIN LATERAL (SELECT ({PETITION_STATES})[1 + s.n % 10] AS state) st "
            "CROSS JOIN LATERAL (SELECT make_date(:y, 1, 1) + ((s.n::bigint * 7919) % 365)::int AS received) d"
        ),
        {"m": petitions, "y": YEAR},
    )
    conn.execute(
        text(
            COUNTIES + "INSERT INTO supervision_items (tenant_id, serial, title, source, deadline, "
            "feedback_cycle, priority, state, percent, assigned_on, closed_on, created_at) "
            "SELECT c.id, 'DC-' || lpad(s.n::text, 8, '0'), '督办事项', 'priorities', d.due, "
            "'monthly', 'normal', st.state, 0, d.due - 60, "
            "CASE WHEN st.state IN ('closed','rated') THEN d.due - 10 + s.n % 20 END, now() "
            "FROM generate_series(0, :m - 1) s(n) CROSS JOIN nc JOIN c ON c.k = s.n % nc.n "
            f"CROSS JOIN LATERAL (SELECT ({ITEM_STATES})[1 + s.n % 6] AS state) st "
            "CROSS JOIN LATERAL (SELECT make_date(:y, 1, 1) + ((s.n::bigint * 104729) % 365)::int AS due) d"
        ),
        {"m": items, "y": YEAR},
    )


def seed(owner_url: str, cities: int, per_city: int, petitions: int, items: int) -> None:
    engine = create_engine(owner_url, poolclass=pool.NullPool)
    with engine.begin() as conn:
        conn.execute(
            text(
                "TRUNCATE petitions, petition_rollup_figures, petition_open_figures, supervision_milestones, supervision_items, audit_entries, "
                "audit_heads, tenant_plugins, tenants RESTART IDENTITY CASCADE"
            )
        )
        _tenants(conn, cities, per_city)
        _records(conn, petitions, items)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE petitions"))
        conn.execute(text("VACUUM ANALYZE supervision_items"))
        conn.execute(text("ANALYZE tenants"))
        for table in (
            "petition_rollup_figures",
            "petition_open_figures",
            "supervision_rollup_figures",
        ):
            conn.execute(text(f"VACUUM ANALYZE {table}"))
    engine.dispose()


class Recorder:
    """The statements the roll-up sends, with their parameters, to EXPLAIN them after."""

    def __init__(self, tables: tuple[str, ...]) -> None:
        self.tables = tables
        self.seen: list[tuple[str, object]] = []

    def __call__(self, _conn, _cursor, statement, parameters, _context, _many) -> None:
        if any(f"FROM {table} " in statement + " " for table in self.tables):
            self.seen.append((statement, parameters))


def roll_up(province: Tenant, plugin: str) -> service.Rollup:
    period = resolve({"period": "year", "year": YEAR})
    result = service.compute(province, period, plugins=[plugin])
    db.session.rollback()  # the audit entry of each read: not kept across repeats
    return result


def measure(app, province_id: int, plugin: str, tables: tuple[str, ...]) -> None:
    with app.app_context(), tenant_scope(province_id):
        province = db.session.get(Tenant, province_id)
        recorder = Recorder(tables)
        event.listen(db.engine, "before_cursor_execute", recorder)
        start = time.perf_counter()
        result = roll_up(province, plugin)
        first = (time.perf_counter() - start) * 1000
        event.remove(db.engine, "before_cursor_execute", recorder)
        warm = best_of(3, lambda: roll_up(province, plugin))
        part = result.plugin(plugin)
        key = part.sets[0].key
        total = part.total.values[key]["total"]
        print(
            f"{plugin}: year roll-up of {len(part.rows)} cities, {total:,} records: "
            f"first {first:7.1f} ms, warm {warm:7.1f} ms "
            f"(load average {' '.join(f'{n:.2f}' for n in os.getloadavg())})"
        )
        print(f"  totals {part.total.values[key]}, rates {part.total.rates[key]}")
        # The plans as the app role ran them: the same scope settings, sent explicitly
        # (through exec_driver_sql the session's hook sent none: every plan read 0 rows).
        ids = subtree(province_id).below(province_id)
        db.session.rollback()
        with cross_tenant_scope("bench: explain", ids):
            conn = db.session.connection()
            conn.exec_driver_sql(
                "SELECT set_config('app.tenant_id', %(t)s, true), "
                "set_config('app.read_tenants', %(r)s, true), set_config('jit', 'off', true)",
                {"t": str(province_id), "r": ",".join(str(i) for i in sorted(ids))},
            )
            for statement, parameters in recorder.seen:
                plan = conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
                print(f"  plan ({plugin}, app role, RLS and ORM criteria on):")
                for (line,) in plan:
                    print("    " + (line if len(line) < 300 else line[:300] + " …"))
        db.session.rollback()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--owner-url", required=True)
    parser.add_argument("--app-role", default="zugong_app")
    parser.add_argument("--cities", type=int, default=100)
    parser.add_argument("--per-city", type=int, default=30)
    parser.add_argument("--petitions", type=int, default=3_000_000)
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--no-seed", action="store_true")
    args = parser.parse_args()

    app = bench_app(args.owner_url, args.app_role)
    if not args.no_seed:
        start = time.perf_counter()
        seed(args.owner_url, args.cities, args.per_city, args.petitions, args.items)
        print(
            f"seeded 1 province, {args.cities} cities x {args.per_city} counties, "
            f"{args.petitions:,} petitions, {args.items:,} supervision items "
            f"in {time.perf_counter() - start:.1f} s"
        )
    clock.freeze(datetime(YEAR, 12, 31, 12, tzinfo=clock.TZ))
    with app.app_context():
        province_id = db.session.scalar(select(Tenant.id).where(Tenant.slug == "bench-province"))
        start = time.perf_counter()
        size = len(subtree(province_id).nodes)
        print(
            f"subtree of the province ({size} tenants, one recursive query): "
            f"{(time.perf_counter() - start) * 1000:.1f} ms"
        )
        db.session.rollback()
    measure(
        app,
        province_id,
        "petitions",
        ("petition_rollup_figures", "petition_open_figures", "petitions"),
    )
    measure(app, province_id, "supervision", ("supervision_rollup_figures", "supervision_items"))


if __name__ == "__main__":
    main()
