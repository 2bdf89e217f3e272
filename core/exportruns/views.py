"""A run's progress page, its status (polled by the page, or read by an API client) and
its file: ``/t/<tenant>/exports/<id>`` and ``/api/v1/t/<tenant>/exports/<id>``.

A run is its user's: another user of the tenant gets 404 unless they manage its users
(``core.manage_users``); another tenant's run is not found at all (tenant scope). Every
download is audited.
"""

from __future__ import annotations

from typing import Any

from flask import Response, abort, g, render_template, url_for
from flask_babel import gettext as _
from marshmallow import Schema, fields

from core.api.routes import api_route
from core.attachments import storage
from core.audit.service import record
from core.db import MAX_DB_ID, db, utcnow
from core.exportruns.models import DONE, ExportRun
from core.exportruns.registry import definitions
from core.exports import MIMETYPES, download_response
from core.routing import tenant_blueprint

pages = tenant_blueprint("exports", __name__, kind="pages", prefix="/exports")
api = tenant_blueprint("exports_api", __name__, kind="api", prefix="/exports")

#: Who may see and download the runs of other users of the tenant.
MANAGER = "core.manage_users"


class ExportRunOut(Schema):
    id = fields.Integer()
    name = fields.String()
    state = fields.String(metadata={"description": "queued、running、done 或 failed"})
    rows_done = fields.Integer()
    rows_total = fields.Integer()
    filename = fields.String()
    created_at = fields.DateTime()
    finished_at = fields.DateTime(allow_none=True)
    expires_at = fields.DateTime()
    download_url = fields.String(allow_none=True)


def run_or_404(run_id: int) -> ExportRun:
    """The run, if it is the actor's (or they manage the tenant's users) and its export
    is still theirs to make."""
    if not 0 < run_id <= MAX_DB_ID:
        abort(404)
    run = db.session.get(ExportRun, run_id)
    if run is None:
        abort(404)
    if run.user_id != g.actor.user_id and not g.actor.can(MANAGER):
        abort(404)
    definition = definitions().get(run.name)
    if definition is None or not g.actor.can(definition.permission):
        abort(404)
    return run


def run_fields(run: ExportRun) -> dict[str, Any]:
    """The run as :class:`ExportRunOut` reads it, with the file's URL once it is ready."""
    data = {name: getattr(run, name) for name in ExportRunOut().fields if name != "download_url"}
    data["download_url"] = (
        url_for("exports_api.api_download", run_id=run.id) if _downloadable(run) else None
    )
    return data


def run_json(run: ExportRun) -> dict[str, Any]:
    return ExportRunOut().dump(run_fields(run))


def _downloadable(run: ExportRun) -> bool:
    return run.state == DONE and run.sha256 is not None and not _expired(run)


def _expired(run: ExportRun) -> bool:
    expires = run.expires_at
    if expires.tzinfo is None:  # SQLite hands back naive UTC
        return expires <= utcnow().replace(tzinfo=None)
    return expires <= utcnow()


def _context(run: ExportRun) -> dict[str, Any]:
    definition = definitions()[run.name]
    return {
        "run": run,
        "title": definition.title,
        "expired": _expired(run),
        "downloadable": _downloadable(run),
    }


@pages.get("/<int:run_id>")
def run_page(run_id: int) -> str:
    return render_template("exports/run.html", **_context(run_or_404(run_id)))


@pages.get("/<int:run_id>/status")
def run_status(run_id: int) -> str:
    return render_template("exports/_progress.html", **_context(run_or_404(run_id)))


@pages.get("/<int:run_id>/file")
def download(run_id: int) -> Response:
    return _serve(run_or_404(run_id))


@api_route(api, "/<int:run_id>", summary="后台导出的进度", response=ExportRunOut)
def api_run(run_id: int) -> dict[str, Any]:
    return run_fields(run_or_404(run_id))


@api_route(
    api,
    "/<int:run_id>/file",
    summary="下载后台导出的文件（完成后、过期前）",
    raw_response=MIMETYPES["xlsx"],
)
def api_download(run_id: int) -> Response:
    return _serve(run_or_404(run_id))


def _serve(run: ExportRun) -> Response:
    if _expired(run):
        abort(404, _("导出文件已过期，请重新导出。"))
    if not _downloadable(run):
        abort(404, _("导出尚未完成。"))
    data = storage.get(run.tenant_id, run.sha256 or "")
    record("export.downloaded", obj=run, detail={"name": run.name, "rows": run.rows_done})
    db.session.commit()
    return download_response(data, run.filename, run.fmt)  # type: ignore[arg-type]
