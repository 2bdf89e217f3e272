"""The files attached to an item (附件: the material behind it, photos), kept in the
item's tenant with core attachments."""

from __future__ import annotations

from core.attachments.kinds import AttachmentKind, declare
from plugins.reporting.permissions import VIEW

ITEM_FILES = declare(AttachmentKind("reporting.item", plugin="reporting", view_permission=VIEW))
