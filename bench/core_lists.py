"""Member lists at national scale: keyset pages through the app role, under RLS.

Seeds ``--tenants`` tenants with ``--members`` members each (set-based, as the owner),
then, as the non-owner app role inside one tenant's scope, times the first page and a
deep page (page ``--deep``) of the member list the API serves, the audit-log page, and
prints the query plans, which must use the tenant-leading indexes.
"""

from __future__ import annotations

import argparse
import time

from sqlalchemy import create_engine, pool, select, text
from timing import timed

from core.api.pagination import keyset_page
from core.app import create_app
from core.db import db
from core.migrate import upgrade
from core.orgs.models import Member
from core.tenancy.scope import tenant_scope


def seed(owner_url: str, tenants: int, members: int) -> None:
    engine = create_engine(owner_url, poolclass=pool.NullPool)
    with engine.begin() as conn:
        conn.execute(text("TRUNCATE members, org_units, tenants RESTART IDENTITY CASCADE"))
        conn.execute(
            text(
                "INSERT INTO tenants (slug, name, kind, locality_code, is_active, created_at) "
                "SELECT 'bench-' || t, '压测单位' || t, 'county_org_dept', lpad((330000 + t)::text, 6, '0'), true, now() "
                "FROM generate_series(1, :n) t"
            ),
            {"n": tenants},
        )
        conn.execute(
            text(
                "INSERT INTO org_units (tenant_id, name, kind, sort_order, is_active, created_at) "
                "SELECT id, '第' || b || '党支部', 'branch', b, true, now() "
                "FROM tenants, generate_series(1, 10) b"
            )
        )
        conn.execute(
            text(
                "INSERT INTO members (tenant_id, name, gender, branch_id, status, is_retired, is_unemployed, "
                "is_floating, is_active, created_at, joined_on) "
                "SELECT t.id, '党员' || m, CASE WHEN m % 2 = 0 THEN 'male' ELSE 'female' END, "
                "(SELECT u.id FROM org_units u WHERE u.tenant_id = t.id ORDER BY u.id LIMIT 1 OFFSET (m % 10)), "
                "'formal', m % 7 = 0, false, m % 11 = 0, true, now(), date '1990-01-01' + (m % 9000) "
                "FROM tenants t, generate_series(1, :m) m WHERE t.slug LIKE 'bench-%'"
            ),
            {"m": members},
        )
        conn.execute(text("ANALYZE"))
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--owner-url", required=True)
    parser.add_argument("--app-role", default="zugong_app")
    parser.add_argument("--tenants", type=int, default=500)
    parser.add_argument("--members", type=int, default=2000)
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
        seed(args.owner_url, args.tenants, args.members)
        print(
            f"seeded {args.tenants} tenants x {args.members} members in {time.perf_counter() - start:.1f} s"
        )

    with app.app_context():
        tenant_id = db.session.execute(
            text(
                "select id from tenants where slug = 'bench-250' or slug like 'bench-%' order by slug = 'bench-250' desc limit 1"
            ),
            execution_options={"tenant_checked": True},
        ).scalar()
        with tenant_scope(tenant_id):
            base = select(Member).where(Member.is_active)
            keys = [Member.id]

            def first_page():
                return keyset_page(base, keys, limit=50)

            cursor = None
            for _ in range(args.deep):
                cursor = keyset_page(base, keys, cursor=cursor, limit=50).next_cursor

            def deep_page():
                return keyset_page(base, keys, cursor=cursor, limit=50)

            for label, fn in (("first page", first_page), (f"page {args.deep + 1}", deep_page)):
                median, worst = timed(fn)
                print(f"members list, {label:>10}: median {median:6.2f} ms, max {worst:6.2f} ms")
            plan = (
                db.session.execute(
                    text(
                        "EXPLAIN (ANALYZE, BUFFERS) SELECT * FROM members WHERE tenant_id = :t AND is_active "
                        "AND id < 1000000000 ORDER BY id DESC LIMIT 51"
                    ),
                    {"t": tenant_id},
                    execution_options={"tenant_checked": True},
                )
                .scalars()
                .all()
            )
            print("plan (app role, RLS on):")
            for line in plan:
                print("   ", line)
            db.session.rollback()
    rows = args.tenants * args.members
    print(f"rows in members: {rows:,}")


if __name__ == "__main__":
    main()
