"""Petitions that travel between tenants: 转送 (forward) and 交办 (assign) here, and the
copying that 复查/复核 (:mod:`plugins.petitions.services.reviews`) share.

Each path makes a *copy* in the receiving tenant — registered there with its own serial
and deadlines, ``source_tenant_id``/``source_petition_id`` pointing back — and records
the copy on the original (``target_tenant_id``/``target_petition_id``, or
``review_tenant_id``/``review_case_id``), so the two are linked both ways. What the
receiver does later flows back through the *linked* transitions of the workflow
(``report_back``, ``came_back``, ``review_answered``, ``rereview_answered``), which
nobody can fire by hand.

Writing into another tenant happens only here, inside :func:`into`: an audited
``cross_tenant_scope`` naming that one tenant, then its own tenant scope, so the scoped
session and PostgreSQL's row-level security see an ordinary write of that tenant. Both
sides get workflow history and audit entries.

Where a petition may go:

* 转送: any active tenant with petitions enabled (not itself), or a body named in free
  text (no copy: it is outside the platform);
* 交办: only the tenant's own children with petitions enabled;
* 复查: the parent of the body that answered; 复核: the parent of the body that
  answered the 复查 (信访工作条例 Art. 35-36).

A copy carries no petitioner unless the sending user holds ``petitions.view_identity``
and asks for it; that disclosure is audited (Art. 30: a reporter's identity is kept
confidential).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import select

from core import clock
from core.audit.service import record
from core.auth.users import Actor
from core.db import db
from core.plugins.manager import enabled_plugins
from core.tenancy.models import Tenant, TenantPlugin
from core.tenancy.scope import cross_tenant_scope, tenant_scope
from core.workflow import TransitionForbidden
from plugins.petitions.models import Petition
from plugins.petitions.permissions import REGISTER, VIEW_IDENTITY
from plugins.petitions.services.moves import ACROSS_TENANTS
from plugins.petitions.services.registration import PETITIONER_FIELDS, REPORTED_FIELDS, register
from plugins.petitions.workflow import PETITION_FLOW, linked_move

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

PLUGIN = "petitions"
#: Fields a copy takes over from the original (never the category: each tenant has its own).
COPIED_FIELDS = (
    "kind",
    "is_12380",
    "summary",
    "details",
    "urgency",
    "people_count",
    "is_bypassed_level",
    "is_anonymous",
)


# -- Where a petition may go ---------------------------------------------------------------


def _with_petitions(query: Any) -> Any:
    return query.join(TenantPlugin, TenantPlugin.tenant_id == Tenant.id).where(
        TenantPlugin.plugin == PLUGIN,
        TenantPlugin.enabled,
        Tenant.is_active,
        Tenant.kind != "platform",
    )


def forward_targets(tenant: Tenant) -> list[Tenant]:
    """Every other active tenant that handles petitions on this platform (转送)."""
    query = _with_petitions(select(Tenant)).where(Tenant.id != tenant.id)
    return list(db.session.scalars(query.order_by(Tenant.locality_code, Tenant.name)))


def assign_targets(tenant: Tenant) -> list[Tenant]:
    """The tenant's own children that handle petitions (交办 goes only downwards)."""
    query = _with_petitions(select(Tenant)).where(Tenant.parent_id == tenant.id)
    return list(db.session.scalars(query.order_by(Tenant.locality_code, Tenant.name)))


def handles_petitions(tenant: Tenant | None) -> bool:
    return (
        tenant is not None
        and tenant.is_active
        and tenant.kind != "platform"
        and PLUGIN in enabled_plugins(tenant)
    )


def _pick(targets: Sequence[Tenant], tenant_id: int, message: str) -> Tenant:
    for target in targets:
        if target.id == tenant_id:
            return target
    raise ValidationError({"target_tenant_id": [message]})


# -- Writing into another tenant -------------------------------------------------------------


@contextmanager
def into(tenant_id: int, reason: str) -> Iterator[None]:
    """Act in ``tenant_id`` for one audited purpose (the entry goes to the tenant we
    come from), then return to the caller's scope."""
    with (
        cross_tenant_scope(reason, [tenant_id], action="petition.cross_tenant"),
        tenant_scope(tenant_id),
    ):
        yield


def _copied(
    petition: Petition, channel: str, include_identity: bool, details: str | None
) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    """The copy's fields, its petitioners (only if the identity goes along) and the
    persons reported on (without the sender's user ids: they mean nothing over there)."""
    people = (
        [{k: getattr(p, k) for k in PETITIONER_FIELDS} for p in petition.petitioners]
        if include_identity
        else []
    )
    reported = [
        {**{k: getattr(r, k) for k in REPORTED_FIELDS}, "user_id": None}
        for r in petition.reported_persons
    ]
    data = {k: getattr(petition, k) for k in COPIED_FIELDS}
    data.update(
        received_on=clock.today(),
        channel=channel,
        source_tenant_id=petition.tenant_id,
        source_petition_id=petition.id,
    )
    if details is not None:
        data["details"] = details
    return data, people, reported


def copy_into(
    petition: Petition,
    target: Tenant,
    actor: Actor,
    *,
    channel: str,
    include_identity: bool,
    reason: str,
    details: str | None = None,
    then: Callable[[Petition], None] | None = None,
) -> Petition:
    """Register ``petition`` again in ``target`` (its own serial and deadlines), and run
    ``then`` on the copy while still in the target's scope."""
    # Read everything of the original while its tenant is in scope: inside the target's
    # scope these rows are invisible.
    data, people, reported = _copied(petition, channel, include_identity, details)
    # The sender registers the copy on the receiver's behalf: that much it may do there.
    sender = Actor(user=actor.user, permissions=frozenset({REGISTER}))
    with into(target.id, reason):
        copy = register(data, people, reported, sender)
        if then is not None:
            then(copy)
    if include_identity and people:
        record(
            "petition.identity_forwarded",
            obj=petition,
            detail={"to_tenant": target.id, "copy_id": copy.id, "petitioners": len(people)},
        )
    return copy


# -- 转送 and 交办 -----------------------------------------------------------------------------


def forward(
    petition: Petition,
    actor: Actor,
    *,
    target_tenant_id: int | None = None,
    target_name: str | None = None,
    include_identity: bool = False,
    comment: str | None = None,
) -> Petition | None:
    """转送 to the competent body: a tenant here (a copy is made) or one named in free
    text (no copy). Returns the copy, if any. The caller commits."""
    source = db.session.get(Tenant, petition.tenant_id)
    if include_identity and not actor.can(VIEW_IDENTITY):
        raise TransitionForbidden(_("您没有查看检举人身份的权限，不能随件转送信访人信息"))
    target = None
    if target_tenant_id is not None:
        target = _pick(
            forward_targets(source), target_tenant_id, _("只能转送至本平台启用信访模块的其他单位")
        )
        target_name = target.name
    PETITION_FLOW.fire(
        petition,
        "forward",
        actor,
        comment=comment,
        data={"target_name": target_name or "", "target_tenant_id": target and target.id},
    )
    if target is None:
        return None
    copy = copy_into(
        petition,
        target,
        actor,
        channel="referred",
        include_identity=include_identity,
        reason="petitions: forward (转送)",
    )
    petition.target_petition_id = copy.id
    return copy


def assign(
    petition: Petition,
    actor: Actor,
    *,
    target_tenant_id: int,
    report_back_due: date,
    include_identity: bool = False,
    comment: str | None = None,
) -> Petition:
    """交办 to one of the tenant's children, which reports the result back by
    ``report_back_due``. Returns the child's copy. The caller commits."""
    source = db.session.get(Tenant, petition.tenant_id)
    if include_identity and not actor.can(VIEW_IDENTITY):
        raise TransitionForbidden(_("您没有查看检举人身份的权限，不能随件交办信访人信息"))
    target = _pick(assign_targets(source), target_tenant_id, _("只能交办给本单位的下级单位"))
    PETITION_FLOW.fire(
        petition,
        "assign",
        actor,
        comment=comment,
        data={
            "target_name": target.name,
            "target_tenant_id": target.id,
            "report_back_due": report_back_due,
        },
    )
    copy = copy_into(
        petition,
        target,
        actor,
        channel="assigned",
        include_identity=include_identity,
        reason="petitions: assign (交办)",
        # Shown to the child: the result is to be reported back by then.
        then=lambda copy: setattr(copy, "report_back_due", report_back_due),
    )
    petition.target_petition_id = copy.id
    return copy


def last_comment(petition: Petition) -> str | None:
    history = PETITION_FLOW.history(petition)
    return history[-1].comment if history else None


def report_back_to_source(copy: Petition, actor: Actor) -> None:
    """The child closed its copy of an assigned petition: the outcome and reply flow
    back to the assigner's petition (effect of the ``close`` transition)."""
    if copy.source_tenant_id is None or copy.channel != "assigned" or copy.case_type:
        return
    result = {
        "outcome": copy.outcome,
        "reply_text": copy.reply_text,
        "from_tenant_id": copy.tenant_id,
        "copy_id": copy.id,
    }
    with into(copy.source_tenant_id, "petitions: report back (交办报结)"):
        source = db.session.get(Petition, copy.source_petition_id)
        if _still_linked(source, copy, "assigned"):
            with linked_move():
                PETITION_FLOW.fire(source, "report_back", actor, data=result)


def return_to_source(copy: Petition, actor: Actor) -> None:
    """The receiver sent its copy back (退回, within 5 working days): the original is
    screened again (effect of the ``send_back`` transition)."""
    if copy.source_tenant_id is None or copy.case_type:
        return
    reason = last_comment(copy)
    data = {"from_tenant_id": copy.tenant_id, "copy_id": copy.id}
    with into(copy.source_tenant_id, "petitions: returned (退回)"):
        source = db.session.get(Petition, copy.source_petition_id)
        if _still_linked(source, copy, "forwarded", "assigned"):
            with linked_move():
                PETITION_FLOW.fire(source, "came_back", actor, comment=reason, data=data)


def _still_linked(source: Petition | None, copy: Petition, *states: str) -> bool:
    """The original still waits on this very copy (not a stale link after a re-send)."""
    return (
        source is not None
        and source.state in states
        and source.target_tenant_id == copy.tenant_id
        and source.target_petition_id == copy.id
    )


ACROSS_TENANTS.update(report_back=report_back_to_source, returned=return_to_source)
