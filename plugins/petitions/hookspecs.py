"""Hooks the petitions plugin declares for other plugins to implement.

Escalation (督办): an overdue or leader-flagged petition can be handed to a plugin that
follows things through — the supervision plugin implements
:func:`zugong_petition_escalate`. When no plugin enabled for the tenant implements it,
escalation is simply not offered (see :func:`plugins.petitions.services.escalation.available`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from core.plugins.hookspecs import hookspec

if TYPE_CHECKING:
    from core.auth.users import Actor
    from core.tenancy.models import Tenant


@dataclass(frozen=True)
class EscalatedPetition:
    """What an implementer learns about the petition: never the petitioners or the
    reporter's identity, only what a supervision item needs."""

    id: int
    serial: str
    summary: str
    url: str
    received_on: date
    due: date | None
    handler_user_id: int | None
    reason: str


@dataclass(frozen=True)
class Escalation:
    """Where the escalated petition is now followed: shown on the petition and in its
    history. ``ref`` is the implementer's own key (e.g. the supervision item's id)."""

    plugin: str
    ref: str
    title: str
    url: str


@hookspec(firstresult=True)
def zugong_petition_escalate(
    tenant: Tenant, actor: Actor, petition: EscalatedPetition
) -> Escalation | None:
    """Open a follow-up for this petition in ``tenant`` (in scope, inside the caller's
    transaction; do not commit) and say where it is. Return ``None`` to decline."""
