"""The two checks every assistance service starts with: the actor's permission (a
service may be called from a page, the API, a job or a test, so it checks itself) and
an amount in 分 that a caller outside a schema handed in."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from marshmallow import ValidationError

from core.workflow import TransitionForbidden
from plugins.assistance.models import MAX_AMOUNT_FEN

if TYPE_CHECKING:
    from core.auth.users import Actor


def require(actor: Actor, permission: str) -> None:
    """Refuse (403 through the API) unless ``actor`` holds ``permission``."""
    if not actor.can(permission):
        raise TransitionForbidden(_("您没有此项操作的权限"))


def amount(value: Any, field: str, maximum: int = MAX_AMOUNT_FEN) -> int:
    """A positive whole number of 分 no bigger than ``maximum``, or a field error."""
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValidationError({field: [_("金额须为正整数（单位：分）")]})
    if value > maximum:
        raise ValidationError({field: [_("金额过大，请核对")]})
    return value
