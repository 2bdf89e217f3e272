"""Following an item up besides its workflow moves: extensions (延期) asked of the
responsible leader, reminders (催办), escalation (提级督办) and accountability (问责).
Each leaves a note in the item's history."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from flask import abort
from flask_babel import gettext as _
from marshmallow import ValidationError

from core import clock
from core.db import db
from core.locking import lock_for_update
from core.lookup import get_or_none
from core.workflow import IllegalTransition, TransitionForbidden
from plugins.supervision.models import (
    ACCOUNTABILITY_KINDS,
    SupervisionAccountability,
    SupervisionExtension,
    SupervisionItem,
    SupervisionReminder,
)
from plugins.supervision.permissions import ASSIGN, VERIFY
from plugins.supervision.queries.records import part_or_404, pending_extension_id
from plugins.supervision.services.moves import close_reminders
from plugins.supervision.workflow import ITEM_FLOW

if TYPE_CHECKING:
    from core.auth.users import Actor


# -- Extensions ---------------------------------------------------------------------------


def _check_extension_request(
    item: SupervisionItem, new_deadline: date, reason: str, actor: Actor
) -> None:
    if actor.user_id is None or actor.user_id != item.person_user_id:
        raise TransitionForbidden(_("只有责任人可以申请延期"))
    if not item.is_open or item.state == "created":
        raise IllegalTransition(_("只有已交办、未办结的事项可以申请延期"))
    if item.leader_user_id is None:
        raise IllegalTransition(_("事项没有责任领导，无法审批延期"))
    if not reason.strip():
        raise ValidationError({"reason": [_("须填写延期理由")]})
    if new_deadline <= item.deadline:
        raise ValidationError({"new_deadline": [_("新期限须晚于原期限")]})
    if pending_extension_id(item):
        raise IllegalTransition(_("已有待审批的延期申请"))


def request_extension(
    item: SupervisionItem, new_deadline: date, reason: str, actor: Actor
) -> SupervisionExtension:
    """The responsible person asks the responsible leader for a later deadline."""
    _check_extension_request(item, new_deadline, reason, actor)
    extension = SupervisionExtension(
        item_id=item.id,
        requested_by=actor.user_id,
        old_deadline=item.deadline,
        new_deadline=new_deadline,
        reason=reason.strip(),
        state="pending",
    )
    db.session.add(extension)
    db.session.flush()
    _remind(
        item,
        item.leader_user_id,
        "extension",
        f"extension-{extension.id}",
        _("申请延期至 %(day)s：%(reason)s", day=new_deadline.isoformat(), reason=reason.strip()),
        actor,
    )
    ITEM_FLOW.note(
        item,
        "request_extension",
        actor,
        comment=reason.strip(),
        data={"new_deadline": new_deadline.isoformat()},
    )
    return extension


def decide_extension(
    item: SupervisionItem, extension_id: int, approve: bool, comment: str | None, actor: Actor
) -> SupervisionExtension:
    """The responsible leader approves (the deadline moves) or refuses."""
    extension = part_or_404(SupervisionExtension, extension_id, item)
    lock_for_update(extension)  # two identical decisions: the second sees the first
    if actor.user_id is None or actor.user_id != item.leader_user_id:
        raise TransitionForbidden(_("只有责任领导可以审批延期"))
    if extension.state != "pending":
        raise IllegalTransition(_("该延期申请已审批"))
    if approve and not item.is_open:
        raise IllegalTransition(_("事项已办结，不能延期"))
    extension.state = "approved" if approve else "rejected"
    extension.decided_by = actor.user_id
    extension.decided_at = clock.now()
    extension.decision_comment = (comment or "").strip() or None
    if approve:
        # A date the leader approved, not a computed one: nothing is estimated about it.
        item.deadline, item.deadline_estimated = extension.new_deadline, False
        # Warnings about the old deadline no longer hold: they leave every to-do list.
        close_reminders(item, kinds=("deadline", "overdue"))
    close_reminders(item, actor.user_id, kinds=("extension",))
    ITEM_FLOW.note(
        item,
        "approve_extension" if approve else "reject_extension",
        actor,
        comment=extension.decision_comment,
        data={"new_deadline": extension.new_deadline.isoformat()},
    )
    return extension


# -- Reminders and escalation --------------------------------------------------------------


def _remind(
    item: SupervisionItem,
    user_id: int,
    kind: str,
    occasion: str,
    message: str,
    actor: Actor | None,
) -> SupervisionReminder:
    reminder = SupervisionReminder(
        item_id=item.id,
        user_id=user_id,
        occasion=occasion,
        kind=kind,
        message=message[:500],
        due=item.deadline,
        sender_id=actor.user_id if actor else None,
    )
    db.session.add(reminder)
    db.session.flush()
    return reminder


def may_urge(item: SupervisionItem, actor: Actor) -> bool:
    return actor.can(ASSIGN) or (actor.user_id is not None and actor.user_id == item.leader_user_id)


def remind(item: SupervisionItem, message: str, actor: Actor) -> SupervisionReminder:
    """催办 by hand: a reminder with ``message`` in the responsible person's to-do list."""
    if not may_urge(item, actor):
        raise TransitionForbidden(_("只有督查专员或责任领导可以催办"))
    if not item.is_open or item.state == "created":
        raise IllegalTransition(_("只能对已交办、未办结的事项催办"))
    if not message.strip():
        raise ValidationError({"message": [_("须填写催办内容")]})
    assert item.person_user_id is not None  # assigned items have one
    reminder = _remind(
        item, item.person_user_id, "manual", f"manual-{uuid.uuid4().hex}", message.strip(), actor
    )
    ITEM_FLOW.note(item, "remind", actor, comment=message.strip())
    return reminder


def escalate(item: SupervisionItem, message: str, actor: Actor) -> SupervisionReminder:
    """提级督办: put the item before its responsible leader."""
    if not actor.can(ASSIGN):
        raise TransitionForbidden(_("您没有提级督办的权限"))
    if not item.is_open:
        raise IllegalTransition(_("事项已办结，不能提级督办"))
    if item.leader_user_id is None:
        raise IllegalTransition(_("事项没有责任领导，无法提级督办"))
    text = message.strip() or _("请责任领导督促办理")
    item.escalated_on = clock.today()
    reminder = _remind(
        item, item.leader_user_id, "escalation", f"escalation-{uuid.uuid4().hex}", text, actor
    )
    ITEM_FLOW.note(item, "escalate", actor, comment=text)
    return reminder


def dismiss_reminder(reminder_id: int, actor: Actor) -> SupervisionReminder:
    reminder = get_or_none(SupervisionReminder, reminder_id)
    if reminder is None or reminder.user_id != actor.user_id:
        abort(404)
    if reminder.done_at is None:
        reminder.done_at = clock.now()
    return reminder


# -- Accountability ----------------------------------------------------------------------


def accountability_applicable(item: SupervisionItem) -> bool:
    """问责 applies to an assigned item that is (or was closed) overdue, or rated 差."""
    if item.state == "created":
        return False
    overdue = (item.is_open and clock.today() > item.deadline) or (
        item.closed_on is not None and item.closed_on > item.deadline
    )
    return overdue or item.rating == "poor"


def add_accountability(
    item: SupervisionItem, data: Mapping[str, Any], actor: Actor
) -> SupervisionAccountability:
    """问责: on an overdue or poorly rated item only."""
    if not actor.can(VERIFY):
        raise TransitionForbidden(_("您没有记录问责的权限"))
    if not accountability_applicable(item):
        raise IllegalTransition(_("只有逾期或评价为“差”的事项可以记录问责"))
    if data.get("kind") not in ACCOUNTABILITY_KINDS:
        raise ValidationError({"kind": [_("问责方式无效")]})
    record = SupervisionAccountability(
        item_id=item.id,
        kind=data["kind"],
        subject=data["subject"].strip(),
        reason=data["reason"].strip(),
        decided_on=data.get("decided_on") or clock.today(),
        recorded_by=actor.user_id,
    )
    db.session.add(record)
    db.session.flush()
    ITEM_FLOW.note(item, "accountability", actor, comment=record.reason, data={"kind": record.kind})
    return record
