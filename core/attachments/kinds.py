"""What may be attached to what, and who may read it: declared once per kind by the
plugin that owns the records (at import time, like a workflow)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from core.attachments.filetypes import DOCUMENTS_AND_IMAGES, TYPES

if TYPE_CHECKING:
    from core.attachments.models import Attachment
    from core.auth.users import Actor

#: A file's largest size unless the kind says otherwise.
DEFAULT_MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class AttachmentKind:
    """``name`` is stored on every attachment (``<plugin>.<record>``, at most 40 chars).

    ``may_view`` narrows who may download beyond ``view_permission`` (e.g. only people
    who may see the owning record); ``audit_downloads`` logs every download of a
    sensitive kind.
    """

    name: str
    plugin: str
    view_permission: str
    types: tuple[str, ...] = DOCUMENTS_AND_IMAGES
    max_bytes: int = DEFAULT_MAX_BYTES
    max_files: int = 20
    audit_downloads: bool = False
    may_view: Callable[[Attachment, Actor], bool] | None = None

    def __post_init__(self) -> None:
        unknown = set(self.types) - set(TYPES)
        if unknown or len(self.name) > 40:
            raise ValueError(f"attachment kind {self.name!r}: bad name or types {unknown}")


DECLARED: dict[str, AttachmentKind] = {}


def declare(kind: AttachmentKind) -> AttachmentKind:
    DECLARED[kind.name] = kind
    return kind
