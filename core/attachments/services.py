"""Saving an upload (checked, stored, recorded, audited) and finding a record's files."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import IO, Protocol

from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import func, select

from core.attachments import storage
from core.attachments.filetypes import TYPES, matches, type_for_extension
from core.attachments.kinds import DECLARED, AttachmentKind
from core.attachments.models import Attachment
from core.audit.service import record
from core.db import db
from core.tenancy.scope import current_tenant_id

FILENAME_MAX = 120


class Upload(Protocol):
    """What an upload arrives as (werkzeug's ``FileStorage``)."""

    filename: str | None
    stream: IO[bytes]


def kind_of(name: str) -> AttachmentKind:
    return DECLARED[name]


def clean_filename(raw: str | None) -> str:
    """The last path component, without control characters, at most 120 characters
    (the extension kept)."""
    name = re.split(r"[\\/]", raw or "")[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    if len(name) > FILENAME_MAX:
        stem, dot, ext = name.rpartition(".")
        keep = FILENAME_MAX - len(ext) - 1
        name = f"{stem[:keep]}.{ext}" if dot and keep > 0 else name[:FILENAME_MAX]
    return name


def save(
    kind_name: str,
    owner_id: int,
    upload: Upload,
    uploaded_by: int | None,
    *,
    field: str = "file",
) -> Attachment:
    """Check ``upload`` against the kind's limits and attach it to ``owner_id`` of the
    tenant in scope. Raises ``ValidationError({field: [reason]})`` and stores nothing if
    the file is refused. The caller commits."""
    kind = kind_of(kind_name)
    filename = clean_filename(upload.filename)
    data = _read_within(upload, kind, field)
    file_type = _checked_type(filename, data, kind, field)
    _check_room(kind, owner_id, field)
    sha256 = hashlib.sha256(data).hexdigest()
    storage.put(current_tenant_id(), sha256, data)
    attachment = Attachment(
        owner_kind=kind.name,
        owner_id=owner_id,
        filename=filename,
        file_type=file_type,
        size=len(data),
        sha256=sha256,
        uploaded_by=uploaded_by,
    )
    db.session.add(attachment)
    db.session.flush()
    record(
        "attachment.uploaded",
        obj=attachment,
        detail={"kind": kind.name, "owner_id": owner_id, "filename": filename, "size": len(data)},
    )
    return attachment


def _check_room(kind: AttachmentKind, owner_id: int, field: str) -> None:
    """Refuse a file beyond the kind's number per owner."""
    existing = db.session.scalar(
        select(func.count(Attachment.id)).where(
            Attachment.owner_kind == kind.name, Attachment.owner_id == owner_id
        )
    )
    if existing >= kind.max_files:
        raise _refuse(field, _("每项最多上传 %(n)s 个附件。", n=kind.max_files))


def save_all(
    kind_name: str,
    owner_id: int,
    uploads: Sequence[Upload],
    uploaded_by: int | None,
    *,
    field: str = "files",
) -> list[Attachment]:
    """Save several uploads, skipping empty file inputs; all or none (the caller rolls
    back on the ValidationError)."""
    return [
        save(kind_name, owner_id, upload, uploaded_by, field=field)
        for upload in uploads
        if (upload.filename or "").strip()
    ]


def attachments_of(kind_name: str, owner_id: int) -> list[Attachment]:
    return list(
        db.session.scalars(
            select(Attachment)
            .where(Attachment.owner_kind == kind_name, Attachment.owner_id == owner_id)
            .order_by(Attachment.id)
        )
    )


def attachments_by_owner(kind_name: str, owner_ids: Iterable[int]) -> dict[int, list[Attachment]]:
    """:func:`attachments_of` for many owners in one statement (a list's rows)."""
    found: dict[int, list[Attachment]] = {owner: [] for owner in owner_ids}
    if not found:
        return found
    rows = db.session.scalars(
        select(Attachment)
        .where(Attachment.owner_kind == kind_name, Attachment.owner_id.in_(sorted(found)))
        .order_by(Attachment.id)
    )
    for attachment in rows:
        found[attachment.owner_id].append(attachment)
    return found


def content_of(attachment: Attachment) -> bytes:
    return storage.get(attachment.tenant_id, attachment.sha256)


def _read_within(upload: Upload, kind: AttachmentKind, field: str) -> bytes:
    if not clean_filename(upload.filename):
        raise _refuse(field, _("请选择要上传的文件。"))
    data = upload.stream.read(kind.max_bytes + 1)
    if len(data) > kind.max_bytes:
        raise _refuse(field, _("文件超过 %(limit)s 的上限。", limit=_readable(kind.max_bytes)))
    if not data:
        raise _refuse(field, _("上传的文件是空的。"))
    return data


def _readable(size: int) -> str:
    return f"{size / 1048576:g} MB" if size >= 1048576 else f"{size / 1024:g} KB"


def _checked_type(filename: str, data: bytes, kind: AttachmentKind, field: str) -> str:
    allowed = ", ".join(ext for key in kind.types for ext in TYPES[key].extensions)
    _stem, dot, extension = filename.rpartition(".")
    file_type = type_for_extension(extension) if dot else None
    if file_type is None or file_type.key not in kind.types:
        raise _refuse(field, _("不接受此类文件，可上传：%(types)s。", types=allowed))
    if not matches(data, file_type):
        raise _refuse(
            field,
            _("文件内容不是 .%(ext)s 格式（可能改过扩展名或已损坏）。", ext=extension.lower()),
        )
    return file_type.key


def _refuse(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})
