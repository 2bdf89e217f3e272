"""Reporting at scale: a city with ``--children`` counties (default 3,000) and
``--items`` items per county in a year (default 100, so 300,000), adopted at three
levels (the city, the province it forwards to, the centre above), with a grant row per
level an item reached — seeded set-based with generate_series as the owner. Then, as the
non-owner app role under row-level security, in the city's granted scope:

* the city's inbox, first keyset page and a deep page (past half the rows), timed;
* rebuilding the city's ranking facts for the year (the hourly job), timed;
* the year's ranking of all the city's children from the facts (the fast path, one
  statement), timed, with its EXPLAIN (ANALYZE, BUFFERS) plan;
* the same ranking live from the granted rows (one statement), and the year's
  per-author ranking (one statement), timed, with their plans;
* a quarter's ranking from the facts, for comparison.

    createdb -h 127.0.0.1 -U postgres zg_bench_rep
    .venv/bin/python bench/reporting.py \\
        --owner-url postgresql+psycopg://postgres@127.0.0.1:5432/zg_bench_rep
"""

from __future__ import annotations

import argparse
import time

from sqlalchemy import create_engine, pool, text
from sqlalchemy.dialects import postgresql
from timing import timed

from core import clock
from core.api.pagination import encode_cursor, keyset_page
from core.app import create_app
from core.db import db
from core.tenancy.scope import granted_scope, tenant_scope
from plugins.reporting import queries
from plugins.reporting.models import Submission
from plugins.reporting.scoring.facts import fast_ranking, refresh
from plugins.reporting.scoring.periods import period
from plugins.reporting.scoring.ranking import author_ranking, tenant_ranking
from plugins.reporting.scoring.services import scoring_table

TRUNCATE = (
    "TRUNCATE reporting_ranking_authors, reporting_ranking_lines, reporting_rankings, "
    "reporting_instructions, reporting_submissions, reporting_item_versions, "
    "reporting_item_authors, reporting_items, record_grants, state_changes, audit_entries, "
    "audit_heads, serial_counters, memberships, tenant_plugins, tenants, users "
    "RESTART IDENTITY CASCADE"
)

TREE = [
    # The centre, the province under it, the city under that: ids 1, 2, 3.
    "INSERT INTO tenants (slug, name, kind, locality_code, is_active, created_at) VALUES "
    "('centre', '中央组织部', 'province_org_dept', '100000', true, now()), "
    "('province', '压测省委组织部', 'province_org_dept', '330000', true, now())",
    "INSERT INTO tenants (slug, name, kind, locality_code, parent_id, is_active, created_at) "
    "VALUES ('city', '压测市委组织部', 'city_org_dept', '330100', 2, true, now())",
    "UPDATE tenants SET parent_id = 1 WHERE slug = 'province'",
    "INSERT INTO tenants (slug, name, kind, locality_code, parent_id, is_active, created_at) "
    "SELECT 'county-' || t, '压测县' || t, 'county_org_dept', lpad((330200 + t)::text, 6, '0'), "
    "3, true, now() FROM generate_series(1, :children) t",
    "INSERT INTO tenant_plugins (tenant_id, plugin, enabled, settings, updated_at) "
    "SELECT id, 'reporting', true, '{}', now() FROM tenants",
    # Five writers per county.
    "INSERT INTO users (username, display_name, password_hash, is_active, is_operator, "
    "created_at) SELECT 'w' || t.id || '-' || p, '作者' || t.id || '-' || p, 'x', true, false, "
    "now() FROM tenants t, generate_series(1, 5) p WHERE t.id > 3",
    "INSERT INTO memberships (tenant_id, user_id, is_active, created_at) "
    "SELECT split_part(substr(u.username, 2), '-', 1)::bigint, u.id, true, now() FROM users u",
]

# Nine in ten items went up; of those: 40 % adopted by the city (a quarter of them
# forwarded, and of those half adopted by the province, a quarter forwarded on to the
# centre and adopted there), 10 % returned, 10 % declined, the rest still waiting.
ITEMS = """
INSERT INTO reporting_items (tenant_id, serial, year, title, body, word_count, category,
    doc_type, state, version, pen_name, pen_phone, created_by, submitted_at, is_late,
    created_at)
SELECT t.id, 'BX-2026-' || lpad(i::text, 4, '0'), 2026, '组工信息' || i, '正文', 2,
    (ARRAY['news','practice','problem','opinion','incident'])[1 + i % 5],
    (ARRAY['brief','brief','special','urgent'])[1 + i % 4],
    CASE WHEN i % 10 = 0 THEN 'draft'
         WHEN i % 10 < 5 THEN 'adopted'
         WHEN i % 10 = 5 THEN 'returned'
         WHEN i % 10 = 6 THEN 'declined'
         ELSE 'submitted' END,
    1, '执笔人', '0571-8888', u.id,
    CASE WHEN i % 10 <> 0 THEN timestamptz '2026-01-01 08:00+08'
         + ((i * 3.6) || ' days')::interval + ((t.id % 600) || ' minutes')::interval END,
    i % 97 = 0, now()
FROM tenants t
JOIN LATERAL (SELECT min(m.user_id) + (t.id % 5) AS id FROM memberships m
              WHERE m.tenant_id = t.id) u ON true
CROSS JOIN generate_series(1, :items) i
WHERE t.id > 3
"""

AUTHORS = (
    "INSERT INTO reporting_item_authors (tenant_id, item_id, user_id, position, created_at) "
    "SELECT tenant_id, id, created_by, 0, now() FROM reporting_items"
)

SUBMISSIONS = [
    # Level 1: every item that went up, to the city.
    "INSERT INTO reporting_submissions (tenant_id, item_id, level, sender_tenant_id, "
    "receiver_tenant_id, state, version, submitted_at, decided_at, adopted_level, created_at) "
    "SELECT tenant_id, id, 1, tenant_id, 3, "
    "CASE WHEN state = 'adopted' AND id % 4 = 0 THEN 'forwarded' ELSE state END, 1, "
    "submitted_at, CASE WHEN state IN ('adopted','returned','declined') THEN submitted_at END, "
    "CASE WHEN state = 'adopted' THEN 'city' END, now() "
    "FROM reporting_items WHERE state <> 'draft'",
    # Level 2: what the city forwarded, to the province.
    "INSERT INTO reporting_submissions (tenant_id, item_id, level, sender_tenant_id, "
    "receiver_tenant_id, state, version, submitted_at, decided_at, adopted_level, created_at) "
    "SELECT tenant_id, item_id, 2, 3, 2, "
    "CASE WHEN item_id % 8 = 0 THEN 'forwarded' WHEN item_id % 3 = 0 THEN 'adopted' "
    "ELSE 'submitted' END, 1, submitted_at + interval '2 days', NULL, "
    "CASE WHEN item_id % 8 = 0 OR item_id % 3 = 0 THEN 'province' END, now() "
    "FROM reporting_submissions WHERE level = 1 AND state = 'forwarded'",
    # Level 3: what the province forwarded, to the centre, adopted there.
    "INSERT INTO reporting_submissions (tenant_id, item_id, level, sender_tenant_id, "
    "receiver_tenant_id, state, version, submitted_at, decided_at, adopted_level, created_at) "
    "SELECT tenant_id, item_id, 3, 2, 1, 'adopted', 1, submitted_at + interval '2 days', "
    "submitted_at + interval '3 days', 'centre', now() "
    "FROM reporting_submissions WHERE level = 2 AND state = 'forwarded'",
    # A grant per level reached (what the app's grant() writes).
    "INSERT INTO record_grants (tenant_id, record_kind, record_id, grantee_tenant_id, reason, "
    "granted_at, granted_by_tenant_id, created_at) "
    "SELECT tenant_id, 'reporting_item', item_id, receiver_tenant_id, 'bench', submitted_at, "
    "sender_tenant_id, now() FROM reporting_submissions",
    # A leader's instruction on one adopted item in twenty.
    "INSERT INTO reporting_instructions (tenant_id, item_id, recorded_by_tenant_id, "
    "leader_name, leader_level, text, instructed_on, created_at) "
    "SELECT tenant_id, item_id, receiver_tenant_id, '领导', adopted_level, '批示', "
    "(submitted_at + interval '5 days')::date, now() FROM reporting_submissions "
    "WHERE adopted_level IS NOT NULL AND item_id % 20 = 0",
]


def seed(owner_url: str, children: int, items: int) -> None:
    engine = create_engine(owner_url, poolclass=pool.NullPool)
    with engine.begin() as conn:
        conn.execute(text(TRUNCATE))
        for statement in TREE:
            conn.execute(text(statement), {"children": children})
        conn.execute(text(ITEMS), {"items": items})
        conn.execute(text(AUTHORS))
        for statement in SUBMISSIONS:
            conn.execute(text(statement))
        conn.execute(text("ANALYZE"))
    engine.dispose()


def explain(statement) -> list[str]:
    sql = str(
        statement.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True})
    )
    return (
        db.session.execute(
            text(f"EXPLAIN (ANALYZE, BUFFERS) {sql}"),
            execution_options={"tenant_checked": True},
        )
        .scalars()
        .all()
    )


def counts(owner_url: str) -> dict[str, int]:
    """As the owner: the app role under row-level security would see none of it."""
    engine = create_engine(owner_url, poolclass=pool.NullPool)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT (SELECT count(*) FROM reporting_items), "
                "(SELECT count(*) FROM reporting_submissions), "
                "(SELECT count(*) FROM reporting_submissions WHERE adopted_level IS NOT NULL), "
                "(SELECT count(*) FROM record_grants), "
                "(SELECT count(*) FROM tenants WHERE parent_id = 3)"
            )
        ).one()
    engine.dispose()
    names = ("items", "submissions", "adoptions", "grants", "children")
    return dict(zip(names, rows, strict=True))


def bench_inbox() -> None:
    statement = queries.inbox({})

    def first():
        return keyset_page(statement, [Submission.id], limit=20).items

    total = db.session.execute(
        text(
            "SELECT count(*), percentile_disc(0.5) WITHIN GROUP (ORDER BY id) "
            "FROM reporting_submissions WHERE receiver_tenant_id = 3"
        ),
        execution_options={"tenant_checked": True},
    ).one()
    cursor = encode_cursor([total[1]])

    def deep():
        return keyset_page(statement, [Submission.id], cursor=cursor, limit=20).items

    for label, fn in (("first page", first), (f"deep page (past {total[0] // 2:,} rows)", deep)):
        rows = len(fn())
        median, worst = timed(fn, repeat=10)
        print(f"inbox {label}: {rows} rows, median {median:7.2f} ms, max {worst:7.2f} ms")


def bench_ranking(label: str, statement, repeat: int = 5, plans: bool = True) -> None:
    def run():
        return db.session.execute(statement).all()

    rows = run()
    median, worst = timed(run, repeat=repeat)
    print(f"{label}: {len(rows):,} rows, median {median:7.1f} ms, max {worst:7.1f} ms")
    print(f"  top: {[tuple(r)[:2] + (r.score, r.rank) for r in rows[:3]]}")
    if not plans:
        return
    print(f"{label} plan (app role, RLS on, granted scope):")
    for line in explain(statement):
        print("   ", line)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--owner-url", required=True)
    parser.add_argument("--app-role", default="zugong_app")
    parser.add_argument("--children", type=int, default=3000)
    parser.add_argument("--items", type=int, default=100)
    parser.add_argument("--no-seed", action="store_true")
    parser.add_argument("--no-plans", action="store_true")
    args = parser.parse_args()

    app_url = args.owner_url.replace("postgres@", f"{args.app_role}@", 1)
    app = create_app(
        {
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": app_url,
            "OWNER_DATABASE_URL": args.owner_url,
        }
    )
    from core.migrate import upgrade

    upgrade(app)
    if not args.no_seed:
        start = time.perf_counter()
        seed(args.owner_url, args.children, args.items)
        print(
            f"seeded {args.children} children x {args.items} items in {time.perf_counter() - start:.1f} s"
        )
    clock.freeze(None)
    print(f"rows: {counts(args.owner_url)}")
    plans = not args.no_plans
    with app.app_context():
        with tenant_scope(3):
            start = time.perf_counter()
            written = refresh(3, 2026)
            db.session.commit()
            print(
                f"ranking facts rebuilt (the hourly job): {written:,} rows in {time.perf_counter() - start:.1f} s"
            )
        with tenant_scope(3), granted_scope("bench: the city reads what was sent to it"):
            bench_inbox()
            table = scoring_table(3)
            year = period("year", 2026)
            bench_ranking(
                "year's ranking of all children (facts)", fast_ranking(3, year, table), 10, plans
            )
            quarter = period("quarter", 2026, 2)
            bench_ranking("a quarter's ranking (facts)", fast_ranking(3, quarter, table), 10, False)
            bench_ranking(
                "year's ranking of all children (live)", tenant_ranking(3, year, table), 2, plans
            )
            bench_ranking(
                "year's per-author ranking (live)", author_ranking(3, year, table), 2, plans
            )
            db.session.rollback()


if __name__ == "__main__":
    main()
