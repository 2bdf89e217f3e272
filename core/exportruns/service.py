"""Answering an export: the file at once for a page of rows or fewer, else a run and a job.

A request that finds more rows than a list page shows (``EXPORT_DIRECT_ROWS``, by default
the API's page size) would hold a web process for seconds; it gets a run instead, made
by a job of its tenant after the request commits, and a page that shows the job's
progress and offers the file when it is done. Both paths write the file with the same
code (:func:`write_file`), so a small and a large export look the same.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import timedelta
from typing import Any

from flask import Response, abort, current_app, g, jsonify, redirect, url_for
from sqlalchemy import Select, func, select

from core.api.pagination import DEFAULT_LIMIT
from core.db import db, utcnow
from core.exportruns.models import QUEUED, ExportRun
from core.exportruns.registry import lookup
from core.exportruns.types import ExportDef, Filters
from core.exports import FileKind, Sheet, csv_bytes, download_response, xlsx_bytes

#: A finished run's file is kept this long, then no longer offered.
KEEP = timedelta(days=7)
#: The job writes its progress after this many rows (a short transaction of its own).
PROGRESS_EVERY = 1000
JOB = "core.exportruns.job:run_export"


def direct_rows() -> int:
    """The most rows answered in the request itself: one list page."""
    return int(current_app.config.get("EXPORT_DIRECT_ROWS", DEFAULT_LIMIT))


def count_of(statement: Select) -> int:
    """How many rows ``statement`` finds (the tenant criteria apply inside the subquery)."""
    inner = statement.order_by(None).subquery()
    return db.session.scalar(select(func.count()).select_from(inner)) or 0


def load_filters(definition: ExportDef, params: Mapping[str, Any], fmt: str) -> dict[str, Any]:
    """The filters of ``params`` through the export's query schema (bad input raises
    :class:`marshmallow.ValidationError`, answered like any other bad query)."""
    filters = definition.query().load({**params, "format": fmt})
    filters.pop("format", None)
    return filters


def answer_export(name: str, params: Mapping[str, Any]) -> Response:
    """The export ``name`` of what ``params`` (a list's query string) find, in the
    request's tenant: the file itself, or the run that will make it."""
    definition = lookup(name)
    if not g.actor.can(definition.permission):
        abort(403)
    fmt = str(params.get("format") or definition.formats[0])
    raw = {k: v for k, v in params.items() if k not in ("format", "cursor")}
    filters = load_filters(definition, raw, fmt)
    filename = f"{definition.filename(filters)}.{fmt}"
    total = definition.count(filters)
    if total <= direct_rows():
        data, _rows = write_file(definition, filters, fmt)  # type: ignore[arg-type]
        return download_response(data, filename, fmt)  # type: ignore[arg-type]
    run = start(definition, raw, fmt, filename, total)
    return _started(run)


def start(
    definition: ExportDef, params: Mapping[str, Any], fmt: str, filename: str, total: int
) -> ExportRun:
    """A queued run of the asking user, and its job (sent when the request commits)."""
    from core.audit.service import record
    from core.jobs import enqueue

    run = ExportRun(
        user_id=g.actor.user_id,
        name=definition.name,
        params=dict(params),
        fmt=fmt,
        state=QUEUED,
        rows_done=0,
        rows_total=total,
        filename=filename[:200],
        expires_at=utcnow() + KEEP,
    )
    db.session.add(run)
    db.session.flush()
    record("export.queued", obj=run, detail={"name": definition.name, "rows": total})
    enqueue(JOB, plugin=definition.plugin, run_id=run.id)
    return run


def _started(run: ExportRun) -> Response:
    """A browser goes to the progress page; an API client (bearer token) gets the run."""
    if g.get("auth_kind") == "token":
        from core.exportruns.views import run_json

        response = jsonify(run_json(run))
        response.status_code = 202
        response.headers["Location"] = url_for("exports_api.api_run", run_id=run.id)
        return response
    return redirect(url_for("exports.run_page", run_id=run.id), 303)  # type: ignore[return-value]


def write_file(
    definition: ExportDef,
    filters: Filters,
    fmt: FileKind,
    progress: Callable[[int], None] | None = None,
) -> tuple[bytes, int]:
    """The file's bytes and how many rows it holds; ``progress`` hears the row count
    every :data:`PROGRESS_EVERY` rows."""
    sheet = definition.sheet(filters, fmt)
    counter = _Counter(sheet.rows, progress)
    counted = Sheet(sheet.title, sheet.columns, counter, caption=sheet.caption)
    if fmt == "csv":
        data = csv_bytes(counted.columns, counted.rows)
    else:
        extra = definition.extra(filters) if definition.extra else []
        data = xlsx_bytes([counted, *extra])
    return data, counter.n


class _Counter:
    """The rows as they stream past, counted."""

    def __init__(self, rows: Iterable[Any], progress: Callable[[int], None] | None) -> None:
        self.rows, self.progress, self.n = rows, progress, 0

    def __iter__(self) -> Iterator[Any]:
        for row in self.rows:
            yield row
            self.n += 1
            if self.progress is not None and self.n % PROGRESS_EVERY == 0:
                self.progress(self.n)


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
