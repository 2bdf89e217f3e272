"""The levels an item travels through: the parent it goes up to, its submission there,
the deciding tenant carried into the owner's scope, and linked moves.

A level decides on rows of the submitter's tenant: :func:`acting_as` carries the deciding
tenant into the owner's scope (see :func:`plugins.reporting.services.decide`); the
workflow's guards compare it with the receiving tenant. A linked move records what the
other side did; only the effects of a move fire one, inside :func:`linked_move`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import select

from core.db import db
from core.plugins.manager import is_enabled
from core.plugins.settings import resolved_settings
from core.tenancy.models import Tenant
from core.tenancy.scope import current_tenant_id
from plugins.reporting.models import ReportItem, Submission

PLUGIN = "reporting"

_ACTING: ContextVar[int | None] = ContextVar("reporting_acting_tenant", default=None)
_LINKED: ContextVar[bool] = ContextVar("reporting_linked_move", default=False)


@contextmanager
def acting_as(tenant_id: int) -> Iterator[None]:
    """Moves inside the block are made by ``tenant_id`` (a receiving level), even while
    the owner's tenant is in scope for the write."""
    token = _ACTING.set(tenant_id)
    try:
        yield
    finally:
        _ACTING.reset(token)


def acting_tenant_id() -> int:
    acting = _ACTING.get()
    return acting if acting is not None else current_tenant_id()


@contextmanager
def linked_move() -> Iterator[None]:
    token = _LINKED.set(True)
    try:
        yield
    finally:
        _LINKED.reset(token)


def in_linked_move() -> bool:
    return _LINKED.get()


def settings_of(tenant_id: int) -> dict[str, Any]:
    return resolved_settings(db.session.get(Tenant, tenant_id), PLUGIN)


def reporting_parent(tenant_id: int) -> Tenant | None:
    """The parent an item of ``tenant_id`` goes up to, if it enables reporting."""
    tenant = db.session.get(Tenant, tenant_id)
    parent = tenant.parent if tenant is not None else None
    if parent is None or not parent.is_active or not is_enabled(parent, PLUGIN):
        return None
    return parent


def first_submission(item: ReportItem) -> Submission | None:
    return db.session.scalar(
        select(Submission).where(Submission.item_id == item.id, Submission.level == 1)
    )
