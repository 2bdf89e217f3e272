"""Verifying the audit chain: entries per second beside a raw fetch of the same rows.

Seeds one tenant's chain of ``--entries`` entries (hashes computed by the app's own
:func:`core.audit.service.entry_hash`, inserted as the owner in batches), then, as the
non-owner app role inside the tenant's scope, times :func:`verify_chain` (the work of
``zugong audit verify``) against a raw driver fetch of the same rows, the floor any
verification pays. Target (issue 14): at least 20,000 entries/s.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from sqlalchemy import create_engine, pool, text
from timing import best_of

from core.app import create_app
from core.audit.service import GENESIS, entry_hash, verify_chain
from core.db import db
from core.migrate import upgrade
from core.tenancy.scope import tenant_scope

INSERT = text(
    "INSERT INTO audit_entries (tenant_id, seq, at, actor_id, actor_name, action, object_type, "
    "object_id, detail, ip, prev_hash, hash, created_at) VALUES (:tenant_id, :seq, :at, "
    ":actor_id, :actor_name, :action, :object_type, :object_id, CAST(:detail AS json), :ip, "
    ":prev_hash, :hash, now())"
)


def _entries(tenant_id: int, count: int) -> list[dict]:
    start, prev, rows = datetime(2026, 1, 1, tzinfo=UTC), GENESIS, []
    for seq in range(1, count + 1):
        entry = SimpleNamespace(
            tenant_id=tenant_id,
            seq=seq,
            at=start + timedelta(seconds=seq),
            actor_id=7,
            actor_name="信访专干",
            action="petition.transition",
            object_type="petitions",
            object_id=str(seq // 3 + 1),
            detail={"move": "accept", "from": "registered", "to": "accepted", "note": "依法受理"},
            ip="10.0.0.8",
            prev_hash=prev,
        )
        entry.hash = prev = entry_hash(entry)
        rows.append({**vars(entry), "detail": json.dumps(entry.detail, ensure_ascii=False)})
    return rows


def seed(owner_url: str, count: int) -> int:
    engine = create_engine(owner_url, poolclass=pool.NullPool)
    with engine.begin() as conn:
        conn.execute(
            text(
                "DELETE FROM audit_heads WHERE tenant_id IN (SELECT id FROM tenants WHERE slug = 'bench-audit')"
            )
        )
        conn.execute(
            text("ALTER TABLE audit_entries DISABLE TRIGGER USER")
        )  # the bench's own rows only
        conn.execute(
            text(
                "DELETE FROM audit_entries WHERE tenant_id IN (SELECT id FROM tenants WHERE slug = 'bench-audit')"
            )
        )
        conn.execute(text("ALTER TABLE audit_entries ENABLE TRIGGER USER"))
        conn.execute(text("DELETE FROM tenants WHERE slug = 'bench-audit'"))
        tenant_id = conn.scalar(
            text(
                "INSERT INTO tenants (slug, name, kind, locality_code, is_active, created_at) "
                "VALUES ('bench-audit', '压测单位', 'county_org_dept', '339999', true, now()) RETURNING id"
            )
        )
        rows = _entries(tenant_id, count)
        for i in range(0, len(rows), 5000):
            conn.execute(INSERT, rows[i : i + 5000])
        conn.execute(
            text(
                "INSERT INTO audit_heads (tenant_id, seq, hash, created_at) VALUES (:t, :s, :h, now())"
            ),
            {"t": tenant_id, "s": count, "h": rows[-1]["hash"]},
        )
        conn.execute(text("ANALYZE audit_entries"))
    engine.dispose()
    return tenant_id


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--owner-url", required=True)
    parser.add_argument("--app-role", default="zugong_app")
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
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
    started = time.perf_counter()
    tenant_id = seed(args.owner_url, args.entries)
    print(f"seeded {args.entries:,} entries in {time.perf_counter() - started:.1f} s")
    print(f"load average before timing: {os.getloadavg()[0]:.1f}")

    with app.app_context(), tenant_scope(tenant_id):

        def verify() -> None:
            problems = list(verify_chain(tenant_id))
            assert not problems, problems[:3]
            db.session.rollback()

        def raw_fetch() -> None:
            with db.engine.connect() as conn:
                conn.execute(
                    text("SELECT set_config('app.tenant_id', :t, false)"), {"t": str(tenant_id)}
                )
                result = conn.execution_options(stream_results=True, yield_per=1000).execute(
                    text("SELECT * FROM audit_entries WHERE tenant_id = :t ORDER BY seq"),
                    {"t": tenant_id},
                )
                assert sum(1 for _ in result) == args.entries

        raw_ms = best_of(args.repeat, raw_fetch)
        verify_ms = best_of(args.repeat, verify)
    print(f"raw fetch:    {raw_ms:8.0f} ms  {args.entries / raw_ms * 1000:10,.0f} entries/s")
    print(f"verify chain: {verify_ms:8.0f} ms  {args.entries / verify_ms * 1000:10,.0f} entries/s")
    print(f"verify / raw: {verify_ms / raw_ms:.2f}x")


if __name__ == "__main__":
    main()
