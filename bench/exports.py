"""A 10,000-row 信访台账 .xlsx through the export job, beside raw openpyxl (issue 14).

Seeds one tenant with ``--rows`` petitions (bench/petitions.py's seed: set-based, as
the owner), then, as the non-owner app role under RLS and in-process (the embedded
backend's runner, the same code an RQ worker runs):

* **job**: an :class:`~core.exportruns.models.ExportRun` of ``petitions.ledger`` made by
  :func:`core.exportruns.job.run_export` through :func:`core.jobs.runner.run` (tenant
  scope, the ORM criteria, the rows streamed with ``yield_per`` from a server-side
  cursor, progress committed every 1,000 rows, the file stored);
* **write_file**: the same file made the way a request answers a page of rows
  (:func:`core.exportruns.service.write_file`), without the run's bookkeeping;
* **raw openpyxl**: the same columns fetched with one plain ``SELECT`` and appended to
  a write-only workbook, nothing else: the floor;
* the same three for CSV.

    python bench/exports.py --owner-url postgresql+psycopg://postgres@127.0.0.1:5432/zg_bench_exports
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/http.py would shadow the standard library's ``http`` with this folder first on
# the path (as ``python bench/exports.py`` puts it): put the folder last.
BENCH = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH] + [str(BENCH)]

import argparse  # noqa: E402
import csv  # noqa: E402
import io  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from datetime import timedelta  # noqa: E402

from flask import Flask, g  # noqa: E402
from petitions import bench_app, seed  # noqa: E402
from sqlalchemy import select, text  # noqa: E402

from core.db import db, utcnow  # noqa: E402
from core.exportruns.models import ExportRun  # noqa: E402
from core.exportruns.registry import lookup  # noqa: E402
from core.exportruns.service import write_file  # noqa: E402
from core.jobs.dispatch import JobCall  # noqa: E402
from core.jobs.runner import run  # noqa: E402
from core.tenancy.models import Tenant  # noqa: E402
from core.tenancy.scope import tenant_scope  # noqa: E402

JOB = "core.exportruns.job:run_export"
RAW_SQL = (
    "SELECT serial, received_on, channel, kind, category_id, people_count, summary, urgency,"
    " state, accept_due, target_name, close_due, outcome, replied_on, satisfaction"
    " FROM petitions WHERE tenant_id = :t ORDER BY received_on, id"
)


def _tenant(app: Flask) -> Tenant:
    with app.app_context():
        tenant = db.session.scalar(select(Tenant).where(Tenant.slug.like("bench-%")).limit(1))
        db.session.expunge(tenant)
        return tenant


def time_job(app: Flask, tenant: Tenant, fmt: str) -> tuple[float, int]:
    with app.app_context(), tenant_scope(tenant.id):
        job = ExportRun(
            name="petitions.ledger",
            params={},
            fmt=fmt,
            state="queued",
            rows_done=0,
            rows_total=0,
            filename=f"bench.{fmt}",
            expires_at=utcnow() + timedelta(days=1),
        )
        db.session.add(job)
        db.session.commit()
        run_id = job.id
    start = time.perf_counter()
    run(app, JobCall(JOB, tenant.id, "petitions", None, {"run_id": run_id}))
    elapsed = time.perf_counter() - start
    with app.app_context(), tenant_scope(tenant.id):
        done = db.session.get(ExportRun, run_id)
        assert done is not None and done.state == "done", done and done.state
        rows = done.rows_done
        db.session.rollback()
    return elapsed, rows


def time_write_file(app: Flask, tenant: Tenant, fmt: str) -> tuple[float, int]:
    with app.test_request_context(), tenant_scope(tenant.id):
        from core.auth.users import system_actor

        g.tenant, g.actor = db.session.merge(tenant), system_actor()
        start = time.perf_counter()
        _data, rows = write_file(lookup("petitions.ledger"), {}, fmt)  # type: ignore[arg-type]
        elapsed = time.perf_counter() - start
        db.session.rollback()
    return elapsed, rows


def time_raw(app: Flask, tenant: Tenant, fmt: str) -> tuple[float, int]:
    from openpyxl import Workbook

    with app.app_context(), tenant_scope(tenant.id):
        start = time.perf_counter()
        result = db.session.execute(
            text(RAW_SQL), {"t": tenant.id}, execution_options={"tenant_checked": True}
        )
        rows = 0
        if fmt == "csv":
            out = io.StringIO()
            writer = csv.writer(out)
            for row in result:
                writer.writerow(row)
                rows += 1
            out.getvalue().encode("utf-8-sig")
        else:
            wb = Workbook(write_only=True)
            ws = wb.create_sheet("信访台账")
            for row in result:
                ws.append(list(row))
                rows += 1
            wb.save(io.BytesIO())
        elapsed = time.perf_counter() - start
        db.session.rollback()
    return elapsed, rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--owner-url", required=True)
    parser.add_argument("--app-role", default="zugong_app")
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-seed", action="store_true")
    args = parser.parse_args()
    app = bench_app(args.owner_url, args.app_role)
    if not args.no_seed:
        seed(args.owner_url, 1, args.rows)
    tenant = _tenant(app)
    for fmt in ("xlsx", "csv"):
        figures = {}
        for label, fn in (
            ("job", time_job),
            ("write_file", time_write_file),
            ("raw openpyxl" if fmt == "xlsx" else "raw csv", time_raw),
        ):
            samples = [fn(app, tenant, fmt) for _ in range(args.repeat)]
            figures[label] = statistics.median(s for s, _rows in samples)
            print(f"{fmt} {label:13s} {figures[label]:6.2f} s  ({samples[0][1]:,} rows)")
        raw = list(figures.values())[-1]
        print(f"{fmt} job / raw: {figures['job'] / raw:.1f}x")


if __name__ == "__main__":
    main()
