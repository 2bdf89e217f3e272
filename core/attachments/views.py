"""Downloading an attachment: ``/t/<tenant>/attachments/<id>`` for pages and
``/api/v1/t/<tenant>/attachments/<id>`` for the API.

A file is served only where its kind's plugin is enabled, to users with the kind's view
permission (and its ``may_view`` check), always as a download (never rendered inline, so
an uploaded file cannot run script in the site's origin).
"""

from __future__ import annotations

from flask import Response, abort, g, url_for

from core.api.routes import api_route
from core.attachments import services
from core.attachments.filetypes import TYPES
from core.attachments.kinds import DECLARED
from core.attachments.models import Attachment
from core.audit.service import record
from core.db import MAX_DB_ID, db
from core.exports import content_disposition
from core.plugins.manager import is_enabled
from core.routing import tenant_blueprint

pages = tenant_blueprint("attachments", __name__, kind="pages")
api = tenant_blueprint("attachments_api", __name__, kind="api")


def download_url(attachment: Attachment) -> str:
    return url_for("attachments.download", attachment_id=attachment.id)


def api_download_url(attachment: Attachment) -> str:
    return url_for("attachments_api.api_download", attachment_id=attachment.id)


@pages.get("/attachments/<int:attachment_id>")
def download(attachment_id: int) -> Response:
    return _serve(attachment_id)


@api_route(
    api,
    "/attachments/<int:attachment_id>",
    summary="下载附件",
    raw_response="application/octet-stream",
)
def api_download(attachment_id: int) -> Response:
    return _serve(attachment_id)


def _serve(attachment_id: int) -> Response:
    if not 0 < attachment_id <= MAX_DB_ID:  # past BIGINT: no such row (not a 500)
        abort(404)
    attachment = db.session.get(Attachment, attachment_id)
    kind = DECLARED.get(attachment.owner_kind) if attachment else None
    if attachment is None or kind is None or not is_enabled(g.tenant, kind.plugin):
        abort(404)
    if not g.actor.can(kind.view_permission):
        abort(403)
    if kind.may_view is not None and not kind.may_view(attachment, g.actor):
        abort(404)
    if kind.audit_downloads:
        record("attachment.downloaded", obj=attachment, detail={"kind": kind.name})
        db.session.commit()
    response = Response(
        services.content_of(attachment), content_type=TYPES[attachment.file_type].mimetype
    )
    response.headers["Content-Disposition"] = content_disposition(attachment.filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox"
    return response
