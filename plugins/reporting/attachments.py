"""The files attached to an item (附件: the material behind it, photos), kept in the
item's tenant with core attachments.

An attachment's grant key is its own kind and owner (``reporting.item``/item id), not the
item's (``reporting_item``), so the levels an item reaches get a grant on its files too,
beside the grant on the item; they read them through :func:`file_of` in a granted scope."""

from __future__ import annotations

from typing import Any

from flask import Response, abort
from sqlalchemy import select

from core.attachments.filetypes import TYPES
from core.attachments.kinds import AttachmentKind, declare
from core.attachments.models import Attachment
from core.attachments.services import attachments_of, content_of
from core.audit.service import record
from core.db import MAX_DB_ID, db
from core.exports import content_disposition
from core.tenancy.grants import grant, revoke
from plugins.reporting.permissions import VIEW

ITEM_FILES = declare(AttachmentKind("reporting.item", plugin="reporting", view_permission=VIEW))


def grant_files(item: Any, grantee_tenant_id: int, reason: str) -> None:
    """Let ``grantee_tenant_id`` read the item's files (one grant covers them all, as
    they share the key); an item without files needs none."""
    files = attachments_of(ITEM_FILES.name, item.id)
    if files:
        grant(files[0], grantee_tenant_id, reason)


def revoke_files(item: Any, grantee_tenant_id: int, reason: str) -> None:
    files = attachments_of(ITEM_FILES.name, item.id)
    if files:
        revoke(files[0], grantee_tenant_id, reason)


def file_of(item: Any, attachment_id: int) -> Attachment:
    """The item's file ``attachment_id`` as the tenant in scope may read it, else 404."""
    if not 0 < attachment_id <= MAX_DB_ID:
        abort(404)
    found = db.session.scalar(
        select(Attachment).where(
            Attachment.id == attachment_id,
            Attachment.owner_kind == ITEM_FILES.name,
            Attachment.owner_id == item.id,
            Attachment.tenant_id == item.tenant_id,
        )
    )
    if found is None:
        abort(404)
    return found


def file_response(attachment: Attachment) -> Response:
    """The file as a download (never inline), its reading audited in the reader's log."""
    record("attachment.downloaded", obj=attachment, detail={"kind": ITEM_FILES.name})
    db.session.commit()
    response = Response(content_of(attachment), content_type=TYPES[attachment.file_type].mimetype)
    response.headers["Content-Disposition"] = content_disposition(attachment.filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox"
    return response
