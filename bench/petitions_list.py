"""The petition register (信访件列表) at scale: keyset pages through the app role, under RLS.

Seeds ``--tenants`` tenants with ``--petitions`` petitions each (set-based, as the
owner), then, as the non-owner app role inside one tenant's scope, times the first page
and a deep page of the list the API and the pages serve — unfiltered, by state, and by
text — and prints the plans, which must use the tenant-leading
``(tenant_id, received_on, id)`` and ``(tenant_id, state, received_on, id)`` indexes.
"""

from __future__ import annotations

import argparse
import statistics
import time

from sqlalchemy import create_engine, pool, text

from core.app import create_app
from core.db import db
from core.migrate import upgrade
from core.tenancy.scope import tenant_scope
from plugins.petitions.models import Petition
from plugins.petitions.queries import petition_page, petition_statement

STATES = ["registered", "accepted", "in_handling", "closed", "rated", "not_accepted", "filed"]


def seed(owner_url: str, tenants: int, petitions: int) -> None:
    engine = create_engine(owner_url, poolclass=pool.NullPool)
    states = "ARRAY[" + ",".join(f"'{s}'" for s in STATES) + "]"
    with engine.begin() as conn:
        conn.execute(text("TRUNCATE petitions, tenants RESTART IDENTITY CASCADE"))
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
                "INSERT INTO petitions (tenant_id, serial, received_on, channel, is_12380, kind, "
                "summary, urgency, people_count, is_bypassed_level, is_anonymous, state, "
                "accept_due, close_due, extended_days, created_at) "
                "SELECT t.id, 'XF-' || p, date '2020-01-01' + (p % 2400), 'letter', false, "
                "'request', '反映问题第' || p || '号', 'normal', 1, false, false, "
                f"({states})[1 + p % {len(STATES)}], date '2020-01-16' + (p % 2400), "
                "date '2020-03-16' + (p % 2400), 0, now() "
                "FROM tenants t, generate_series(1, :m) p WHERE t.slug LIKE 'bench-%'"
            ),
            {"m": petitions},
        )
        conn.execute(text("ANALYZE"))
    engine.dispose()


def timed(fn, repeat: int = 20) -> tuple[float, float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), max(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--owner-url", required=True)
    parser.add_argument("--app-role", default="zugong_app")
    parser.add_argument("--tenants", type=int, default=200)
    parser.add_argument("--petitions", type=int, default=5000)
    parser.add_argument("--deep", type=int, default=30)
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
        seed(args.owner_url, args.tenants, args.petitions)
        print(
            f"seeded {args.tenants} tenants x {args.petitions} petitions in {time.perf_counter() - start:.1f} s"
        )

    with app.test_request_context():
        tenant_id = db.session.execute(
            text("select id from tenants where slug like 'bench-%' order by id desc limit 1"),
            execution_options={"tenant_checked": True},
        ).scalar()
        with tenant_scope(tenant_id):
            for label, filters in (
                ("all", {}),
                ("state=in_handling", {"state": "in_handling"}),
                ("q=第4242号", {"q": "第4242号"}),
            ):
                cursor = None
                for _ in range(args.deep):
                    cursor = petition_page({**filters, "cursor": cursor, "limit": 50}).next_cursor
                    if cursor is None:
                        break
                first = timed(lambda f=filters: petition_page({**f, "limit": 50}))
                deep = timed(
                    lambda f=filters, c=cursor: petition_page({**f, "cursor": c, "limit": 50})
                )
                print(
                    f"petition list {label:>18}: first page median {first[0]:6.2f} ms "
                    f"(max {first[1]:6.2f}), page {args.deep + 1} median {deep[0]:6.2f} ms (max {deep[1]:6.2f})"
                )
            # The ORM adds the tenant criterion at execution; the EXPLAIN text needs it spelled.
            statement = petition_statement({"state": "in_handling"}).where(
                Petition.tenant_id == tenant_id
            )
            compiled = statement.order_by(text("received_on DESC, id DESC")).limit(51)
            sql = str(compiled.compile(db.engine, compile_kwargs={"literal_binds": True}))
            plan = db.session.execute(
                text("EXPLAIN (ANALYZE, BUFFERS) " + sql),
                execution_options={"tenant_checked": True},
            ).scalars()
            print("plan of the state-filtered first page (app role, RLS on):")
            for line in plan:
                print("   ", line)
            db.session.rollback()
    print(f"rows in petitions: {args.tenants * args.petitions:,}")


if __name__ == "__main__":
    main()
