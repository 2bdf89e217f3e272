"""The assistance fund at scale: statements and the arrears scan, through the app role
under row-level security.

Seeds (set-based ``generate_series``, as the owner) ``--tenants`` tenants with the
assistance plugin, ``--records`` hardship records over them (one member each),
``--postings`` ledger postings (receipts into general money, relief spending out of it,
each under an approval of its tenant), account balances recomputed from those postings,
and ``--loans`` disbursed loans with 24 monthly instalments each, some of them late.
Then, as the non-owner app role inside one tenant's scope, times the whole-history and
one-year fund statement, checks that the statement reconciles with the stored balances,
and times the arrears scan (one set-based UPDATE) for that tenant and for every tenant
in turn. Figures only: nothing is asserted about time.

    psql -h 127.0.0.1 -U postgres -c 'create database zugong_bench_asst' postgres
    .venv/bin/python bench/assistance.py \\
        --owner-url postgresql+psycopg://postgres@127.0.0.1:5432/zugong_bench_asst
"""

from __future__ import annotations

import argparse
import time
from datetime import date, datetime
from datetime import time as dtime

from plugins.assistance.ledger import CHART
from sqlalchemy import create_engine, pool, text
from timing import timed

from core import clock
from core.app import create_app
from core.db import db
from core.migrate import upgrade
from core.tenancy.scope import tenant_scope
from plugins.assistance import jobs, ledger

TABLES = (
    "assistance_campaign_targets, assistance_campaigns, assistance_pairing_logs, "
    "assistance_pairings, assistance_loan_notes, assistance_instalments, assistance_loans, "
    "assistance_grants, assistance_postings, assistance_approvals, assistance_accounts, "
    "assistance_objections, assistance_household_members, assistance_records, members, "
    "org_units, tenant_plugins, tenants"
)


def seed(owner_url: str, tenants: int, records: int, postings: int, loans: int) -> None:
    engine = create_engine(owner_url, poolclass=pool.NullPool)
    chart = ", ".join(f"('{code}', '{kind}', '{title}')" for code, (kind, title) in CHART.items())
    steps = [
        ("truncate", f"TRUNCATE {TABLES} RESTART IDENTITY CASCADE", {}),
        (
            "tenants",
            "INSERT INTO tenants (slug, name, kind, locality_code, is_active, created_at) "
            "SELECT 'bench-' || t, '压测单位' || t, 'county_org_dept', "
            "lpad((330000 + t)::text, 6, '0'), true, now() FROM generate_series(1, :n) t",
            {"n": tenants},
        ),
        (
            "enablement",
            "INSERT INTO tenant_plugins (tenant_id, plugin, enabled, settings, updated_at) "
            "SELECT id, 'assistance', true, '{}', now() FROM tenants",
            {},
        ),
        (
            "members",
            "INSERT INTO members (tenant_id, name, gender, status, is_retired, is_unemployed, "
            "is_floating, is_active, created_at, joined_on) "
            "SELECT 1 + (m % :n), '党员' || m, 'male', 'formal', false, false, false, true, "
            "now(), date '1970-01-01' + (m % 9000) FROM generate_series(1, :r) m",
            {"n": tenants, "r": records},
        ),
        (
            "records",
            "INSERT INTO assistance_records (tenant_id, serial, member_id, applied_on, "
            "applied_by_member, category, level, causes, household_income_fen, household_size, "
            "per_head_income_fen, documents, state, filed_on, review_due, created_at) "
            "SELECT m.tenant_id, 'KN-2026-' || lpad(m.id::text, 7, '0'), m.id, date '2025-01-01', "
            "true, 'rural_low_income', (ARRAY['general','relatively','special'])[1 + m.id % 3], "
            "'[\"illness\"]', 40000 + m.id % 20000, 1 + m.id % 5, (40000 + m.id % 20000) / (1 + m.id % 5), "
            "'[]', 'registered', date '2025-03-01', date '2026-03-01' + (m.id % 365)::int, now() "
            "FROM members m",
            {},
        ),
        (
            "accounts",
            "INSERT INTO assistance_accounts (tenant_id, code, kind, name, balance_fen, created_at) "
            f"SELECT t.id, c.code, c.kind, c.title, 0, now() FROM tenants t, (VALUES {chart}) "
            "AS c(code, kind, title)",
            {},
        ),
        (
            "approvals",
            "INSERT INTO assistance_approvals (tenant_id, kind, amount_fen, approver_name, "
            "approved_on, document_no, created_at) "
            "SELECT id, 'receipt', 0, '压测', date '2025-01-01', '压测', now() FROM tenants",
            {},
        ),
        # Odd postings receive 100 元 into general money, even ones spend 60 元 of it:
        # every tenant's balance stays positive in any order of the same day.
        (
            "postings",
            "WITH ids AS MATERIALIZED ("
            "  SELECT t.id AS t, cash.id AS cash, src.id AS src, spend.id AS spend, ap.id AS ap "
            "  FROM tenants t "
            "  JOIN assistance_accounts cash ON cash.tenant_id = t.id AND cash.code = 'cash_general' "
            "  JOIN assistance_accounts src ON src.tenant_id = t.id AND src.code = 'source_fiscal' "
            "  JOIN assistance_accounts spend ON spend.tenant_id = t.id AND spend.code = 'expense_living' "
            "  JOIN assistance_approvals ap ON ap.tenant_id = t.id) "
            "INSERT INTO assistance_postings (tenant_id, voucher_no, posted_on, debit_account_id, "
            "credit_account_id, amount_fen, approval_id, created_at) "
            "SELECT ids.t, 'PZ-' || p, date '2024-01-01' + ((p / :n) % 1000)::int, "
            "CASE WHEN p % 2 = 1 THEN ids.cash ELSE ids.spend END, "
            "CASE WHEN p % 2 = 1 THEN ids.src ELSE ids.cash END, "
            "CASE WHEN p % 2 = 1 THEN 10000 ELSE 6000 END, ids.ap, now() "
            "FROM generate_series(1, :p) p JOIN ids ON ids.t = 1 + ((p - 1) / 2) % :n",
            {"n": tenants, "p": postings},
        ),
        (
            "balances",
            "UPDATE assistance_accounts a SET balance_fen = s.balance FROM ("
            "  SELECT acc.id, sum(CASE WHEN (acc.kind IN ('asset','expense')) = (p.debit_account_id = acc.id) "
            "    THEN p.amount_fen ELSE -p.amount_fen END) AS balance "
            "  FROM assistance_accounts acc JOIN assistance_postings p "
            "    ON p.tenant_id = acc.tenant_id AND acc.id IN (p.debit_account_id, p.credit_account_id) "
            "  GROUP BY acc.id) s WHERE a.id = s.id",
            {},
        ),
        (
            "loans",
            "INSERT INTO assistance_loans (tenant_id, serial, record_id, project, amount_fen, "
            "term_months, guarantor_kind, guarantor_name, applied_on, state, quota_year, "
            "disbursed_on, repaid_fen, written_off_fen, created_at) "
            "SELECT r.tenant_id, 'JK-' || r.id, r.id, '养殖', 1200000, 24, 'branch', '党支部', "
            "date '2025-01-01', 'disbursed', 2025, date '2025-01-01' + (r.id % 300)::int, 0, 0, now() "
            "FROM assistance_records r WHERE r.id <= :l",
            {"l": loans},
        ),
        (
            "instalments",
            "INSERT INTO assistance_instalments (tenant_id, loan_id, seq, due_on, amount_fen, "
            "paid_fen, created_at) "
            "SELECT l.tenant_id, l.id, s, (l.disbursed_on + make_interval(months => s))::date, "
            "50000, CASE WHEN l.id % 4 = 0 THEN 0 ELSE 50000 END * (s <= 12)::int, now() "
            "FROM assistance_loans l, generate_series(1, 24) s",
            {},
        ),
        ("analyze", "ANALYZE", {}),
    ]
    with engine.begin() as conn:
        for name, sql, params in steps:
            start = time.perf_counter()
            conn.execute(text(sql), params)
            print(f"  seeded {name:<12} {time.perf_counter() - start:7.1f} s")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--owner-url", required=True)
    parser.add_argument("--app-role", default="zugong_app")
    parser.add_argument("--tenants", type=int, default=500)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--postings", type=int, default=2_000_000)
    parser.add_argument("--loans", type=int, default=20_000)
    parser.add_argument("--no-seed", action="store_true")
    args = parser.parse_args()

    app_url = args.owner_url.replace("postgres@", f"{args.app_role}@", 1)
    app = create_app(
        {
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": app_url,
            "OWNER_DATABASE_URL": args.owner_url,
            "REDIS_URL": None,
        }
    )
    upgrade(app)
    if not args.no_seed:
        start = time.perf_counter()
        seed(args.owner_url, args.tenants, args.records, args.postings, args.loans)
        print(
            f"seeded {args.tenants} tenants, {args.records:,} records, {args.postings:,} postings, "
            f"{args.loans:,} loans x 24 instalments in {time.perf_counter() - start:.1f} s"
        )
    clock.freeze(datetime.combine(date(2026, 6, 1), dtime(12), tzinfo=clock.TZ))
    with app.app_context():
        tenant_ids = (
            db.session.execute(
                text("select id from tenants order by id"),
                execution_options={"tenant_checked": True},
            )
            .scalars()
            .all()
        )
        tenant_id = tenant_ids[len(tenant_ids) // 2]
        with tenant_scope(tenant_id):
            postings = db.session.execute(
                text("select count(*) from assistance_postings where tenant_id = :t"),
                {"t": tenant_id},
                execution_options={"tenant_checked": True},
            ).scalar()
            print(f"tenant {tenant_id}: {postings:,} postings")
            whole = ledger.statement()
            assert all(line.closing_fen == line.balance_fen for line in whole.lines)
            print(f"statement reconciles: fund balance {ledger.yuan(whole.fund_balance_fen)} 元")
            for label, fn in (
                ("statement, whole history", lambda: ledger.statement()),
                (
                    "statement, one year",
                    lambda: ledger.statement(date(2025, 1, 1), date(2025, 12, 31)),
                ),
            ):
                median, worst = timed(fn, repeat=10)
                print(f"{label:<28}: median {median:7.2f} ms, max {worst:7.2f} ms")

            def scan() -> None:
                jobs.scan_arrears()
                db.session.rollback()  # measure the same work every time

            median, worst = timed(scan, repeat=10)
            print(f"{'arrears scan, one tenant':<28}: median {median:7.2f} ms, max {worst:7.2f} ms")
            plan = db.session.execute(
                text(
                    "EXPLAIN (ANALYZE, BUFFERS) SELECT debit_account_id, sum(amount_fen) "
                    "FROM assistance_postings WHERE tenant_id = :t GROUP BY debit_account_id"
                ),
                {"t": tenant_id},
                execution_options={"tenant_checked": True},
            ).all()
            print("statement plan (app role, RLS on):")
            for (line,) in plan:
                print("   ", line)
            db.session.rollback()
        start = time.perf_counter()
        marked = 0
        for tid in tenant_ids:
            with tenant_scope(tid):
                marked += jobs.scan_arrears()
                db.session.commit()
        print(
            f"arrears scan, all {len(tenant_ids)} tenants in turn: {time.perf_counter() - start:.1f} s, "
            f"{marked:,} instalments marked overdue"
        )
    clock.freeze(None)


if __name__ == "__main__":
    main()
