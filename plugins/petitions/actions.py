"""Acting on one petition: the workflow moves with their bodies, conflict declarations
(回避), and the extension point for actions other modules add to the detail page.

Each transition of :data:`PETITION_FLOW` gets one API route and one page form, both
checked by the schema in :data:`TRANSITION_SCHEMAS` (a transition declared later without
an entry gets :class:`PetitionTransitionIn`: a comment only). The schema answers 422 for bad
input; the workflow answers 403 (permission) and 409 (state or guard) itself.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import abort
from flask_babel import gettext as _
from marshmallow import Schema
from sqlalchemy import select

from core.audit.service import record
from core.auth.users import Actor
from core.db import db
from core.workflow import StateChange, Transition, TransitionForbidden
from plugins.petitions import crosstenant
from plugins.petitions.models import Petition, PetitionConflict
from plugins.petitions.permissions import APPROVE, HANDLE
from plugins.petitions.schemas.moves import (
    PetitionAssignHandlerIn,
    PetitionAssignIn,
    PetitionCloseIn,
    PetitionDraftIn,
    PetitionExtendIn,
    PetitionForwardIn,
    PetitionNotAcceptIn,
    PetitionRateIn,
    PetitionReviewRequestIn,
    PetitionTransitionIn,
)
from plugins.petitions.workflow import PETITION_FLOW

TRANSITION_SCHEMAS: dict[str, type[Schema]] = {
    "not_accept": PetitionNotAcceptIn,
    "forward": PetitionForwardIn,
    "assign": PetitionAssignIn,
    "assign_handler": PetitionAssignHandlerIn,
    "extend": PetitionExtendIn,
    "draft": PetitionDraftIn,
    "close": PetitionCloseIn,
    "rate": PetitionRateIn,
    "request_review": PetitionReviewRequestIn,
    "request_rereview": PetitionReviewRequestIn,
}


def schema_for(name: str) -> type[Schema]:
    return TRANSITION_SCHEMAS.get(name, PetitionTransitionIn)


def fire(petition: Petition, name: str, actor: Actor, body: Mapping[str, Any]) -> StateChange:
    """Run transition ``name`` with a loaded body: the comment goes to the history, the
    rest is the transition's data (an extension's reason doubles as its comment).

    转送, 交办 and 复查/复核 requests go through :mod:`plugins.petitions.crosstenant`,
    which fires the move and makes the linked copy in the receiving tenant — so the page,
    this API and the links API are one path, and no move skips the copy."""
    data = {k: v for k, v in body.items() if k != "comment" and v is not None}
    comment = body.get("comment") or (body.get("reason") if name == "extend" else None)
    identity = bool(data.pop("include_identity", False))
    if name == "forward":
        crosstenant.forward(
            petition,
            actor,
            target_tenant_id=data.get("target_tenant_id"),
            target_name=(data.get("target_name") or "").strip() or None,
            include_identity=identity,
            comment=comment,
        )
    elif name == "assign":
        crosstenant.assign(
            petition,
            actor,
            target_tenant_id=data["target_tenant_id"],
            report_back_due=data["report_back_due"],
            include_identity=identity,
            comment=comment,
        )
    elif name in ("request_review", "request_rereview") and crosstenant.reviewing_body(petition)[1]:
        crosstenant.request_review(petition, actor, comment=comment, include_identity=identity)
    else:
        return PETITION_FLOW.fire(petition, name, actor, comment=comment, data=data)
    return PETITION_FLOW.history(petition)[-1]


def offered_transitions(petition: Petition, actor: Actor) -> list[Transition]:
    """The moves to offer this actor now: the state and the permission allow it, and —
    for a move without input of its own — its guards pass already. A move that takes
    input (a reason, a handler…) is offered on state and permission alone: its guards
    judge the input when it is submitted. An extension is not offered a second time."""
    offered = []
    passing = {t.name for t in PETITION_FLOW.available(petition, actor)}
    for t in PETITION_FLOW.transitions:
        if petition.state not in t.sources:
            continue
        if t.permission is not None and not actor.can(t.permission):
            continue
        if t.name not in TRANSITION_SCHEMAS and t.name not in passing:
            continue
        if t.name == "extend" and petition.extended_days:
            continue
        offered.append(t)
    return offered


# -- conflicts (回避) ---------------------------------------------------------------------


def conflicts_of(petition: Petition) -> list[PetitionConflict]:
    return list(
        db.session.scalars(
            select(PetitionConflict)
            .where(PetitionConflict.petition_id == petition.id)
            .order_by(PetitionConflict.declared_at, PetitionConflict.id)
        )
    )


def declare_conflict(
    petition: Petition, actor: Actor, user_id: int | None, reason: str
) -> PetitionConflict:
    """``user_id`` (default: the actor) may not handle this petition (Art. 28). Declaring
    for someone else takes the approval permission. Declaring twice changes nothing."""
    target = user_id or actor.user_id
    if target is None:
        abort(403)
    if target != actor.user_id and not actor.can(APPROVE):
        raise TransitionForbidden(_("替他人声明回避须有审批权限"))
    existing = db.session.scalar(
        select(PetitionConflict).where(
            PetitionConflict.petition_id == petition.id, PetitionConflict.user_id == target
        )
    )
    if existing is not None:
        return existing
    conflict = PetitionConflict(petition_id=petition.id, user_id=target, reason=reason)
    db.session.add(conflict)
    db.session.flush()
    record(
        "petition.conflict_declared",
        obj=petition,
        detail={"user_id": target, "reason": reason, "serial": petition.serial},
    )
    return conflict


def may_declare_conflict(actor: Actor) -> bool:
    return actor.can(HANDLE) or actor.can(APPROVE)


# -- the detail page's extension point --------------------------------------------------


@dataclass(frozen=True)
class DetailAction:
    """An action another module adds to the petition's detail page.

    ``url(petition)`` is where it goes; ``method`` ``"get"`` renders a link, ``"post"``
    a button in a CSRF-protected form (``fields`` become hidden inputs). ``available``
    decides, per petition and actor, whether to show it at all (it should check the
    permission its route checks). ``group`` places it: ``"actions"`` beside the workflow
    buttons, ``"documents"`` in the documents card.
    """

    key: str
    title: str
    url: Callable[[Petition], str]
    available: Callable[[Petition, Actor], bool] = lambda _p, _a: True
    method: str = "get"
    group: str = "actions"
    style: str = "outline-secondary"
    confirm: str | None = None
    fields: Mapping[str, str] = field(default_factory=dict)
    order: int = 100


#: Modules append here at import time (e.g. escalation, notices, cross-tenant forward).
DETAIL_ACTIONS: list[DetailAction] = []


def add_detail_action(action: DetailAction) -> None:
    """Register ``action`` (idempotent by key, so a re-import does not double it)."""
    DETAIL_ACTIONS[:] = [a for a in DETAIL_ACTIONS if a.key != action.key]
    DETAIL_ACTIONS.append(action)


def detail_actions_for(petition: Petition, actor: Actor, group: str) -> list[dict[str, Any]]:
    shown = []
    for action in sorted(DETAIL_ACTIONS, key=lambda a: (a.order, a.key)):
        if action.group == group and action.available(petition, actor):
            shown.append(
                {
                    "key": action.key,
                    "title": _(action.title),
                    "url": action.url(petition),
                    "method": action.method,
                    "style": action.style,
                    "confirm": _(action.confirm) if action.confirm else None,
                    "fields": dict(action.fields),
                }
            )
    return shown


#: Template names included as extra cards on the detail page (each gets the page's
#: context: ``petition``, ``actor``…), e.g. an escalation's status or attachments.
DETAIL_PANELS: list[str] = []
