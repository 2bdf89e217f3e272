"""Opening items (立项) and everything done to them besides workflow moves: back-scheduled
milestones (倒排工期), extensions, reminders (催办), escalation, accountability.

Every function works in the tenant in scope, inside the caller's transaction (the
caller commits). Bad input raises :class:`marshmallow.ValidationError` naming the field,
before anything is written.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from flask import abort
from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import select

from core import clock
from core.attachments import services as attachments
from core.auth.models import Membership, User
from core.calendar import subtract_working_days
from core.db import MAX_DB_ID, db
from core.orgs.models import OrgUnit
from core.serials import next_serial
from core.tenancy.scope import current_tenant_id
from core.workflow import IllegalTransition, TransitionForbidden
from plugins.supervision.models import (
    ACCOUNTABILITY_KINDS,
    SupervisionAccountability,
    SupervisionCoHandler,
    SupervisionExtension,
    SupervisionItem,
    SupervisionMilestone,
    SupervisionReminder,
    SupervisionReport,
)
from plugins.supervision.workflow import (
    ASSIGN,
    ITEM_FLOW,
    REPORT,
    REPORT_FILES,
    VERIFY,
    close_reminders,
)

if TYPE_CHECKING:
    from core.auth.users import Actor

SERIAL_PREFIX = "DC"
ITEM_FIELDS = {
    "title",
    "source",
    "source_ref",
    "requirements",
    "leader_user_id",
    "section_id",
    "person_user_id",
    "deadline",
    "feedback_cycle",
    "priority",
    "parent_id",
}


def get(model: type, ident: Any) -> Any:
    """``db.session.get`` for ids from URLs and forms: one beyond BIGINT is nobody's row
    (and would overflow the driver)."""
    if not isinstance(ident, int) or not 0 < ident <= MAX_DB_ID:
        return None
    return db.session.get(model, ident)


def item_or_404(item_id: int) -> SupervisionItem:
    item = get(SupervisionItem, item_id)
    if item is None:
        abort(404)
    return item


def members_by_id(user_ids: Iterable[int]) -> dict[int, User]:
    """Users among ``user_ids`` who are active members of the tenant in scope."""
    ids = {i for i in user_ids if i}
    if not ids:
        return {}
    rows = db.session.execute(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(User.id.in_(ids), Membership.is_active, User.is_active)
    ).scalars()
    return {u.id: u for u in rows}


def tenant_people() -> list[User]:
    """Active members of the tenant in scope, by name (for choosing people)."""
    return list(
        db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.is_active, User.is_active)
            .order_by(User.display_name, User.id)
        )
    )


def sections() -> list[OrgUnit]:
    return list(
        db.session.scalars(
            select(OrgUnit).where(OrgUnit.is_active).order_by(OrgUnit.sort_order, OrgUnit.id)
        )
    )


def check_references(data: Mapping[str, Any], co_handlers: Sequence[int] = ()) -> None:
    """People must be members of this tenant, the section one of its active units, the
    parent one of its open items; else a ValidationError naming each field."""
    errors: dict[str, list[str]] = {}
    people = members_by_id(
        [data.get("leader_user_id"), data.get("person_user_id"), *co_handlers]  # type: ignore[list-item]
    )
    for key in ("leader_user_id", "person_user_id"):
        if data.get(key) and data[key] not in people:
            errors[key] = [_("不是本单位的在职人员")]
    if any(c not in people for c in co_handlers):
        errors["co_handler_ids"] = [_("协办人须为本单位的在职人员")]
    if data.get("section_id"):
        unit = get(OrgUnit, data["section_id"])
        if unit is None or not unit.is_active:
            errors["section_id"] = [_("责任科室不存在或已撤销")]
    if data.get("parent_id"):
        parent = get(SupervisionItem, data["parent_id"])
        if parent is None:
            errors["parent_id"] = [_("上级事项不存在")]
        elif not parent.is_open:
            errors["parent_id"] = [_("上级事项已办结，不能再分解子事项")]
        elif data.get("deadline") and data["deadline"] > parent.deadline:
            errors["deadline"] = [_("子事项的期限不能晚于上级事项的期限")]
    if errors:
        raise ValidationError(errors)


def create_item(
    data: Mapping[str, Any],
    actor: Actor,
    *,
    milestones: Sequence[Mapping[str, Any]] = (),
    co_handler_ids: Sequence[int] = (),
    assign: bool = False,
) -> SupervisionItem:
    """立项: a new item with serial DC-YYYY-NNNN, its milestones and co-handlers, and the
    workflow's first history row; ``assign`` hands it over at once (交办)."""
    if not actor.can(ASSIGN):
        raise TransitionForbidden(_("您没有立项交办的权限"))
    return open_item(
        data, actor, milestones=milestones, co_handler_ids=co_handler_ids, assign=assign
    )


def open_item(
    data: Mapping[str, Any],
    actor: Actor,
    *,
    milestones: Sequence[Mapping[str, Any]] = (),
    co_handler_ids: Sequence[int] = (),
    assign: bool = False,
) -> SupervisionItem:
    """:func:`create_item` without the permission check, for items another plugin opens
    through a hook on its user's behalf (that plugin checked its own permission)."""
    co_handlers = sorted(set(co_handler_ids) - {data.get("person_user_id")})
    check_references(data, co_handlers)
    check_milestones(milestones, data["deadline"])
    item = SupervisionItem(
        tenant_id=current_tenant_id(),
        **{k: v for k, v in data.items() if k in ITEM_FIELDS},
    )
    item.feedback_cycle = item.feedback_cycle or "monthly"
    item.priority = item.priority or "normal"
    item.percent = 0
    item.created_by = actor.user_id
    item.serial = next_serial(SERIAL_PREFIX, width=4)
    db.session.add(item)
    ITEM_FLOW.start(item, actor)
    db.session.add_all(SupervisionCoHandler(item_id=item.id, user_id=u) for u in co_handlers)
    _add_milestones(item, milestones)
    db.session.flush()
    if assign:
        ITEM_FLOW.fire(item, "assign", actor)
    return item


EDITABLE = {
    "title",
    "source_ref",
    "requirements",
    "leader_user_id",
    "section_id",
    "person_user_id",
    "feedback_cycle",
    "priority",
}


def update_item(item: SupervisionItem, data: Mapping[str, Any], actor: Actor) -> SupervisionItem:
    """Correct an open item's particulars. The deadline moves only by an approved
    extension, and the responsible person changes only before the item is assigned."""
    if not actor.can(ASSIGN):
        raise TransitionForbidden(_("您没有立项交办的权限"))
    if not item.is_open:
        raise IllegalTransition(_("事项已办结，不能修改"))
    unknown = set(data) - EDITABLE
    if unknown:
        raise ValidationError({key: [_("此项不能修改")] for key in sorted(unknown)})
    new_person = "person_user_id" in data and data["person_user_id"] != item.person_user_id
    if new_person and item.state != "created":
        raise ValidationError({"person_user_id": [_("事项已交办，不能更换责任人")]})
    check_references({k: v for k, v in data.items() if k != "parent_id"})
    changed = {k: v for k, v in data.items() if getattr(item, k) != v}
    for key, value in changed.items():
        setattr(item, key, value)
    if changed:
        ITEM_FLOW.note(item, "edit", actor, data={k: str(v) for k, v in changed.items()})
    return item


def check_milestones(milestones: Sequence[Mapping[str, Any]], deadline: date) -> None:
    for number, milestone in enumerate(milestones, start=1):
        if milestone["due"] > deadline:
            raise ValidationError({"milestones": [_("第 %(n)s 个节点晚于最终期限", n=number)]})


def _add_milestones(item: SupervisionItem, milestones: Sequence[Mapping[str, Any]]) -> None:
    ordered = sorted(milestones, key=lambda m: m["due"])
    db.session.add_all(
        SupervisionMilestone(item_id=item.id, seq=n, title=m["title"].strip(), due=m["due"])
        for n, m in enumerate(ordered, start=1)
    )


def milestones_of(item: SupervisionItem) -> list[SupervisionMilestone]:
    return list(
        db.session.scalars(
            select(SupervisionMilestone)
            .where(SupervisionMilestone.item_id == item.id)
            .order_by(SupervisionMilestone.seq)
        )
    )


# -- 倒排工期 -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduledStep:
    title: str
    due: date
    estimated: bool


def back_schedule(deadline: date, steps: Sequence[tuple[str, int]]) -> list[ScheduledStep]:
    """Milestone dates counted back from ``deadline`` (倒排工期).

    ``steps`` are (title, working days the step takes) in order of execution. The last
    step ends on the deadline; each earlier one ends as many working days before the end
    of the next as the next one takes — on the core calendar, so holidays are skipped and
    make-up working weekends (调休) count. Raises ValueError on a negative duration.
    """
    scheduled: list[ScheduledStep] = []
    end, estimated = deadline, False
    for index in range(len(steps) - 1, -1, -1):
        title, _days = steps[index]
        scheduled.append(ScheduledStep(title, end, estimated))
        if index:
            due = subtract_working_days(end, steps[index][1])
            end, estimated = due.date, estimated or due.estimated
    return list(reversed(scheduled))


def replace_milestones(
    item: SupervisionItem, steps: Sequence[tuple[str, int]], actor: Actor
) -> list[SupervisionMilestone]:
    """Back-schedule ``item``'s milestones from its deadline, replacing the open ones."""
    if not actor.can(ASSIGN):
        raise TransitionForbidden(_("您没有立项交办的权限"))
    if not item.is_open:
        raise IllegalTransition(_("事项已办结，不能再调整节点"))
    for milestone in milestones_of(item):
        db.session.delete(milestone)
    db.session.flush()
    scheduled = back_schedule(item.deadline, steps)
    _add_milestones(item, [{"title": s.title, "due": s.due} for s in scheduled])
    ITEM_FLOW.note(item, "back_schedule", actor, data={"steps": len(steps)})
    db.session.flush()
    return milestones_of(item)


def complete_milestone(item: SupervisionItem, milestone_id: int, actor: Actor) -> None:
    milestone = get(SupervisionMilestone, milestone_id)
    if milestone is None or milestone.item_id != item.id:
        abort(404)
    is_person = actor.user_id is not None and actor.user_id == item.person_user_id
    if not (is_person and actor.can(REPORT)) and not actor.can(ASSIGN):
        raise TransitionForbidden(_("只有责任人或督查专员可以确认节点完成"))
    if not item.is_open:
        raise IllegalTransition(_("事项已办结，不能再调整节点"))
    if milestone.done_on is None:
        milestone.done_on = clock.today()
        ITEM_FLOW.note(item, "milestone_done", actor, data={"milestone": milestone.title})


# -- Extensions ---------------------------------------------------------------------------


def request_extension(
    item: SupervisionItem, new_deadline: date, reason: str, actor: Actor
) -> SupervisionExtension:
    """The responsible person asks the responsible leader for a later deadline."""
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
    pending = db.session.scalar(
        select(SupervisionExtension.id).where(
            SupervisionExtension.item_id == item.id, SupervisionExtension.state == "pending"
        )
    )
    if pending:
        raise IllegalTransition(_("已有待审批的延期申请"))
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
    extension = get(SupervisionExtension, extension_id)
    if extension is None or extension.item_id != item.id:
        abort(404)
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
        item.deadline = extension.new_deadline
    close_reminders(item, actor.user_id, kinds=("extension",))
    ITEM_FLOW.note(
        item,
        "approve_extension" if approve else "reject_extension",
        actor,
        comment=extension.decision_comment,
        data={"new_deadline": extension.new_deadline.isoformat()},
    )
    return extension


def extensions_of(item: SupervisionItem) -> list[SupervisionExtension]:
    return list(
        db.session.scalars(
            select(SupervisionExtension)
            .where(SupervisionExtension.item_id == item.id)
            .order_by(SupervisionExtension.id)
        )
    )


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
    reminder = get(SupervisionReminder, reminder_id)
    if reminder is None or reminder.user_id != actor.user_id:
        abort(404)
    if reminder.done_at is None:
        reminder.done_at = clock.now()
    return reminder


def reminders_of(item: SupervisionItem) -> list[SupervisionReminder]:
    return list(
        db.session.scalars(
            select(SupervisionReminder)
            .where(SupervisionReminder.item_id == item.id)
            .order_by(SupervisionReminder.id.desc())
        )
    )


# -- Accountability ----------------------------------------------------------------------


def add_accountability(
    item: SupervisionItem, data: Mapping[str, Any], actor: Actor
) -> SupervisionAccountability:
    """问责: on an overdue or poorly rated item only."""
    if not actor.can(VERIFY):
        raise TransitionForbidden(_("您没有记录问责的权限"))
    overdue = (item.is_open and clock.today() > item.deadline) or (
        item.closed_on is not None and item.closed_on > item.deadline
    )
    if not (overdue or item.rating == "poor"):
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


def accountabilities_of(item: SupervisionItem) -> list[SupervisionAccountability]:
    return list(
        db.session.scalars(
            select(SupervisionAccountability)
            .where(SupervisionAccountability.item_id == item.id)
            .order_by(SupervisionAccountability.id)
        )
    )


def children_of(item: SupervisionItem) -> list[SupervisionItem]:
    return list(
        db.session.scalars(
            select(SupervisionItem)
            .where(SupervisionItem.parent_id == item.id)
            .order_by(SupervisionItem.id)
        )
    )


def report_progress(
    item: SupervisionItem,
    text: str,
    percent: int,
    actor: Actor,
    uploads: Sequence[Any] = (),
) -> SupervisionReport:
    """反馈进展 with files attached (all or nothing: a refused file raises and the
    caller's transaction rolls back)."""
    ITEM_FLOW.fire(item, "report", actor, data={"text": text, "percent": percent})
    db.session.flush()
    report = db.session.scalar(
        select(SupervisionReport)
        .where(SupervisionReport.item_id == item.id)
        .order_by(SupervisionReport.id.desc())
        .limit(1)
    )
    assert report is not None
    attachments.save_all(REPORT_FILES.name, report.id, uploads, actor.user_id)
    return report


def attach_to_report(
    item: SupervisionItem, report_id: int, uploads: Sequence[Any], actor: Actor
) -> list[Any]:
    """Add files to one of the item's reports: its author only, while the item is open."""
    report = get(SupervisionReport, report_id)
    if report is None or report.item_id != item.id:
        abort(404)
    if actor.user_id is None or actor.user_id != report.author_id:
        raise TransitionForbidden(_("只有反馈人可以补充附件"))
    if not item.is_open:
        raise IllegalTransition(_("事项已办结，不能再补充附件"))
    if not any((u.filename or "").strip() for u in uploads):
        raise ValidationError({"files": [_("请选择要上传的文件。")]})
    return attachments.save_all(REPORT_FILES.name, report.id, uploads, actor.user_id)


def reports_of(item: SupervisionItem) -> list[SupervisionReport]:
    return list(
        db.session.scalars(
            select(SupervisionReport)
            .where(SupervisionReport.item_id == item.id)
            .order_by(SupervisionReport.id)
        )
    )


def fire(item: SupervisionItem, name: str, actor: Actor, comment=None, data=None) -> None:
    """A workflow move by name (pages and API share it)."""
    ITEM_FLOW.fire(item, name, actor, comment=comment, data=data)
