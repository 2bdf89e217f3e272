"""The linked moves: they record what another tenant did (report back, send back, a
复查/复核 case and its answer), so only :mod:`plugins.petitions.services.crosstenant`
may fire them, inside :func:`linked_move`; they are never offered nor routed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

from flask_babel import gettext as _

from core.workflow import Transition
from plugins.petitions.models import Petition

if TYPE_CHECKING:
    from core.auth.users import Actor


#: Set while :mod:`plugins.petitions.services.crosstenant` carries another body's action over.
_LINKED: ContextVar[bool] = ContextVar("petition_linked_move", default=False)


@contextmanager
def linked_move() -> Iterator[None]:
    """Allow the linked transitions (report_back, came_back, open_case, *_answered):
    they record what another tenant did, so nobody may fire them by hand."""
    token = _LINKED.set(True)
    try:
        yield
    finally:
        _LINKED.reset(token)


def only_linked(petition: Petition, _actor: Actor, _data) -> str | None:
    if not _LINKED.get():
        return _("此操作随关联单位的办理自动完成，不能手动执行")
    return None


def is_linked(transition: Transition) -> bool:
    """Moves that record another tenant's action: never offered, never routed."""
    return only_linked in transition.guards
