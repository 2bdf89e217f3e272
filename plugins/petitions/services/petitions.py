"""Acting on one petition: firing a workflow move with its loaded body (the cross-tenant
moves through :mod:`plugins.petitions.services.crosstenant`) and declaring a conflict
(回避). The body schemas are in :mod:`plugins.petitions.schemas.moves`; the schema
answers 422 for bad input, the workflow 403 (permission) and 409 (state or guard)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import select

from core.audit.service import record
from core.auth.users import Actor
from core.db import db
from core.workflow import StateChange, TransitionForbidden
from plugins.petitions.models import Petition, PetitionConflict
from plugins.petitions.permissions import APPROVE
from plugins.petitions.services import crosstenant, reviews
from plugins.petitions.workflow import PETITION_FLOW


def fire(petition: Petition, name: str, actor: Actor, body: Mapping[str, Any]) -> StateChange:
    """Run transition ``name`` with a loaded body: the comment goes to the history, the
    rest is the transition's data (an extension's reason doubles as its comment).

    转送, 交办 and 复查/复核 requests go through :mod:`plugins.petitions.services.crosstenant`,
    which fires the move and makes the linked copy in the receiving tenant — so the page,
    this API and the links API are one path, and no move skips the copy."""
    data = {k: v for k, v in body.items() if k != "comment" and v is not None}
    comment = body.get("comment") or (
        body.get("reason") if name in ("extend", "request_extension") else None
    )
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
    elif name in ("request_review", "request_rereview") and reviews.reviewing_body(petition)[1]:
        reviews.request_review(petition, actor, comment=comment, include_identity=identity)
    else:
        return PETITION_FLOW.fire(petition, name, actor, comment=comment, data=data)
    return PETITION_FLOW.history(petition)[-1]


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


# -- the detail page's extension point --------------------------------------------------
