"""Escalation (督办): an overdue or leader-flagged petition handed to a plugin that
follows things through, through the hook :func:`~plugins.petitions.hookspecs.zugong_petition_escalate`.

Escalation is offered only where some plugin enabled for the tenant implements the hook
(:func:`available`); the petitions plugin never imports that plugin. The implementer
learns only what an :class:`EscalatedPetition` carries (never who petitioned); where it
now follows the petition (:class:`Escalation`) is stored on the petition, with a
history row and an audit entry.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import url_for
from flask_babel import gettext as _
from werkzeug.routing import BuildError

from core import clock
from core.db import db, utcnow
from core.plugins.manager import hook_for
from core.tenancy.models import Tenant
from core.workflow import IllegalTransition, TransitionForbidden
from plugins.petitions.hookspecs import EscalatedPetition, Escalation
from plugins.petitions.models import Petition
from plugins.petitions.permissions import APPROVE
from plugins.petitions.queries.deadlines import OPEN_STATES, due_of
from plugins.petitions.workflow import PETITION_FLOW

if TYPE_CHECKING:
    from core.auth.users import Actor


class NotOffered(Exception):
    """No plugin enabled for the tenant implements escalation (the API answers 404)."""


def available(tenant: Tenant) -> bool:
    """Whether some plugin enabled for ``tenant`` implements ``zugong_petition_escalate``."""
    return bool(hook_for(tenant).zugong_petition_escalate.get_hookimpls())


def is_overdue(petition: Petition) -> bool:
    due = due_of(petition)
    return due is not None and clock.today() > due


def refusal(petition: Petition) -> str | None:
    """Why ``petition`` cannot be escalated now, or ``None`` if it can."""
    if petition.escalated_at is not None:
        return _("此件已升级督办")
    if petition.state not in OPEN_STATES:
        return _(
            "当前状态为「%(state)s」，不能升级督办", state=PETITION_FLOW.state_title(petition.state)
        )
    if not (is_overdue(petition) or petition.leader_flagged):
        return _("只有逾期或经领导批示督办的信访件才能升级督办")
    return None


def petition_url(petition: Petition) -> str:
    """The petition's page (the pages blueprint may not be there: fall back to its path)."""
    tenant = db.session.get(Tenant, petition.tenant_id)
    try:
        return url_for("petitions.detail", tenant=tenant.slug, petition_id=petition.id)
    except (BuildError, RuntimeError):
        return f"/t/{tenant.slug}/petitions/{petition.id}"


def _escalated(petition: Petition, reason: str) -> EscalatedPetition:
    """What the escalation plugin is told of the petition (no petitioner, ever)."""
    return EscalatedPetition(
        id=petition.id,
        serial=petition.serial,
        summary=petition.summary,
        url=petition_url(petition),
        received_on=petition.received_on,
        due=due_of(petition),
        handler_user_id=petition.handler_user_id,
        reason=reason,
    )


def escalate(petition: Petition, actor: Actor, reason: str) -> Escalation:
    """Hand ``petition`` to the escalation plugin; store where it is followed now.
    Raises :class:`NotOffered`, ``TransitionForbidden`` (403) or ``IllegalTransition``
    (409: not eligible, or the plugin declined). The caller commits."""
    tenant = db.session.get(Tenant, petition.tenant_id)
    if not available(tenant):
        raise NotOffered()
    if not actor.can(APPROVE):
        raise TransitionForbidden(_("您没有升级督办的权限"))
    why_not = refusal(petition)
    if why_not:
        raise IllegalTransition(why_not)
    result = hook_for(tenant).zugong_petition_escalate(
        tenant=tenant, actor=actor, petition=_escalated(petition, reason)
    )
    if result is None:
        raise IllegalTransition(_("督办模块未接收此件"))
    petition.escalated_at = utcnow()
    petition.escalation_plugin = result.plugin
    petition.escalation_ref = str(result.ref)[:100]
    petition.escalation_title = result.title[:200]
    petition.escalation_url = result.url[:500]
    PETITION_FLOW.note(
        petition,
        "escalated",
        actor,
        comment=reason,
        data={"plugin": result.plugin, "ref": result.ref, "title": result.title},
    )
    return result


def flag(petition: Petition, actor: Actor, reason: str) -> None:
    """A leader flags the petition for supervision (领导批示督办), whatever its deadline."""
    if not actor.can(APPROVE):
        raise TransitionForbidden(_("您没有标记领导督办的权限"))
    if petition.leader_flagged:
        raise IllegalTransition(_("此件已标记领导督办"))
    petition.leader_flagged = True
    PETITION_FLOW.note(petition, "flagged", actor, comment=reason)
