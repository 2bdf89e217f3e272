"""申请延期: the handler asks for the one extension (信访工作条例 Art. 34), the leader
approves it (the ``extend`` move, which issues the 延期办理告知书) or refuses it.

The request is kept on the petition (days and reason) until the leader decides, so the
leader sees what was asked and the handler cannot ask twice meanwhile. Imports no
workflow: the workflow uses these as guards and effects.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _

from plugins.petitions.models import Petition

if TYPE_CHECKING:
    from core.auth.users import Actor


def no_pending_request(petition: Petition, _actor: Actor, _data: Any) -> str | None:
    if petition.extension_requested_days:
        return _("已申请延期，待领导审批")
    return None


def pending_request(petition: Petition, _actor: Actor, _data: Any) -> str | None:
    if not petition.extension_requested_days:
        return _("没有待审批的延期申请")
    return None


def has_reason(_petition: Petition, _actor: Actor, data: Mapping[str, Any]) -> str | None:
    if not (data.get("reason") or "").strip():
        return _("须写明延期理由")
    return None


def request(petition: Petition, _actor: Actor, data: Mapping[str, Any]) -> None:
    petition.extension_requested_days = data["days"]
    petition.extension_request_reason = data["reason"].strip()


def clear(petition: Petition, _actor: Actor, _data: Any) -> None:
    """The leader decided (approved through ``extend``, or refused)."""
    petition.extension_requested_days = None
    petition.extension_request_reason = None
