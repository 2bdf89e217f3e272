"""The job that makes a run's file: streams the rows in the run's tenant, as its user.

Progress is written in short transactions of a second session, so the progress page
sees it while the job's own transaction (reading the rows from a server-side cursor)
is still open. On SQLite (embedded) a second writer would wait for the job's
transaction, so there the page sees the run start and finish only.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import current_app
from sqlalchemy import update

from core.attachments import storage
from core.audit.service import record
from core.db import db, utcnow
from core.exportruns.models import DONE, FAILED, RUNNING, ExportRun
from core.exportruns.registry import lookup
from core.exportruns.service import load_filters, sha256_of, write_file
from core.tenancy.scope import current_tenant_id

log = logging.getLogger(__name__)


def run_export(run_id: int) -> None:
    """Make the file of run ``run_id``; done once (a retried or repeated job finds it done)."""
    run = db.session.get(ExportRun, run_id)
    if run is None or run.state == DONE:
        return
    definition = lookup(run.name)
    _progress(run_id, state=RUNNING, rows_done=0)
    try:
        filters = load_filters(definition, run.params, run.fmt)
        data, rows = write_file(
            definition,
            filters,
            run.fmt,
            progress=_reporter(run_id),  # type: ignore[arg-type]
        )
    except Exception as exc:
        # A failing export fails again when retried: say so on the page, do not retry.
        db.session.rollback()
        log.exception("export run %s (%s) failed", run_id, run.name)
        _progress(run_id, state=FAILED, error=type(exc).__name__, finished_at=utcnow())
        _audit_failure(run_id)
        return
    digest = sha256_of(data)
    storage.put(current_tenant_id(), digest, data)
    run.state, run.rows_done, run.sha256, run.size = DONE, rows, digest, len(data)
    run.rows_total = max(run.rows_total, rows)
    run.finished_at = utcnow()
    record("export.finished", obj=run, detail={"name": run.name, "rows": rows})


def _reporter(run_id: int) -> Any:
    if db.engine.dialect.name == "sqlite":
        return None

    def report(rows: int) -> None:
        _progress(run_id, rows_done=rows)

    return report


def _progress(run_id: int, **values: Any) -> None:
    """Write ``values`` to the run in a transaction of its own, committed at once."""
    session = db.session.session_factory()
    try:
        session.execute(update(ExportRun).where(ExportRun.id == run_id).values(**values))
        session.commit()
    finally:
        session.close()


def _audit_failure(run_id: int) -> None:
    record("export.failed", object_type=ExportRun.__tablename__, object_id=run_id)
    db.session.commit()
    current_app.logger.info("export run %s marked failed", run_id)
