"""Petition attachments (letters, evidence, signed records) on the core attachments.

One kind, ``petitions.petition``. Every download is audited. A report's files (检举控告)
often carry the reporter's name or signature, so — like the reporter's identity — they
are listed and served only to users holding ``petitions.view_identity``; others see how
many there are, nothing more (信访工作条例 Art. 30).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from core.attachments import services
from core.attachments.kinds import AttachmentKind, declare
from core.attachments.models import Attachment
from core.db import db
from plugins.petitions.confidentiality import is_reporter
from plugins.petitions.models import Petition
from plugins.petitions.permissions import HANDLE, REGISTER, VIEW, VIEW_IDENTITY

if TYPE_CHECKING:
    from core.auth.users import Actor

KIND = "petitions.petition"
#: Who may add files: whoever registers or handles petitions.
UPLOAD_PERMISSIONS = (REGISTER, HANDLE)


def files_visible(petition: Petition, actor: Actor) -> bool:
    """A report's files only for holders of the identity permission."""
    return not is_reporter(petition) or actor.can(VIEW_IDENTITY)


def _may_view(attachment: Attachment, actor: Actor) -> bool:
    petition = db.session.get(Petition, attachment.owner_id)
    return petition is not None and files_visible(petition, actor)


PETITION_FILES = declare(
    AttachmentKind(
        name=KIND,
        plugin="petitions",
        view_permission=VIEW,
        max_files=30,
        audit_downloads=True,
        may_view=_may_view,
    )
)


def may_upload(actor: Actor) -> bool:
    return any(actor.can(p) for p in UPLOAD_PERMISSIONS)


def files_of(petition: Petition) -> list[Attachment]:
    return services.attachments_of(KIND, petition.id)


def attach(petition: Petition, uploads: Sequence[Any], actor: Actor) -> list[Attachment]:
    """Save the uploads on ``petition`` (all or none: a refused file raises
    ``ValidationError({"files": [...]})`` and the request rolls back)."""
    return services.save_all(KIND, petition.id, uploads, actor.user_id, field="files")
