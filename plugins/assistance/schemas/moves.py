"""The body each workflow move takes besides a comment (:data:`MOVE_BODIES`)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from core.api.transitions import MoveIn
from plugins.assistance.models import (
    LEVELS,
)
from plugins.assistance.schemas.common import Text


class DocumentNoIn(MoveIn):
    """A move that books money: the approval's document number (文号), if any."""

    document_no = Text(100)


class FilingIn(MoveIn):
    """Filing with the organization department (a county files with itself by name)."""

    filed_with_name = Text(100)


class LevelIn(MoveIn):
    level = fields.String(validate=validate.OneOf(list(LEVELS)))


class SignatureIn(MoveIn):
    signed_by = Text(50)


class AssessmentIn(MoveIn):
    assessment = Text(2000)


class CloseIn(MoveIn):
    """Closing a campaign: with targets not delivered, only when that is confirmed."""

    confirm_undelivered = fields.Boolean(load_default=False)


#: The body each move takes besides a comment, by workflow name then move (what its
#: guards and effects read); every other move takes :class:`MoveIn`.
MOVE_BODIES: dict[str, dict[str, type[Schema]]] = {
    "assistance_record": {"file": FilingIn, "change_level": LevelIn, "keep": LevelIn},
    "assistance_grant": {"approve": DocumentNoIn, "sign_receipt": SignatureIn},
    "assistance_loan": {
        "assess": AssessmentIn,
        "approve": DocumentNoIn,
        "write_off": DocumentNoIn,
    },
    "assistance_campaign": {"approve": DocumentNoIn, "close": CloseIn},
}


def move_body(workflow: str, move: str) -> type[Schema]:
    """The body schema of ``move`` of ``workflow``."""
    return MOVE_BODIES[workflow].get(move, MoveIn)
