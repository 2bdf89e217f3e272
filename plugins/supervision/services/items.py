"""Opening items (立项), correcting them, their milestones (倒排工期) and progress reports
with their files."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from marshmallow import ValidationError

from core import clock
from core.attachments import services as attachments
from core.calendar import period_end
from core.db import db
from core.locking import lock_for_update
from core.lookup import get_or_none
from core.orgs.models import OrgUnit
from core.serials import next_serial
from core.tenancy.scope import current_tenant_id
from core.workflow import IllegalTransition, TransitionForbidden
from plugins.supervision.models import (
    SupervisionCoHandler,
    SupervisionItem,
    SupervisionMilestone,
    SupervisionReport,
)
from plugins.supervision.permissions import ASSIGN, REPORT
from plugins.supervision.queries.records import (
    latest_report,
    members_by_id,
    milestones_of,
    part_or_404,
)
from plugins.supervision.workflow import ITEM_FLOW, REPORT_FILES

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
        unit = get_or_none(OrgUnit, data["section_id"])
        if unit is None or not unit.is_active:
            errors["section_id"] = [_("责任科室不存在或已撤销")]
        elif unit.kind != "section":
            errors["section_id"] = [_("%(name)s不是科室", name=unit.name)]
    if data.get("parent_id"):
        parent = get_or_none(SupervisionItem, data["parent_id"])
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
        SupervisionMilestone(
            item_id=item.id,
            seq=n,
            title=m["title"].strip(),
            due=m["due"],
            due_estimated=m.get("estimated", False),
        )
        for n, m in enumerate(ordered, start=1)
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
            if steps[index][1] < 0:
                raise ValueError("a step cannot take a negative number of working days")
            due = period_end(end, -steps[index][1], "working_days")
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
    _add_milestones(
        item, [{"title": s.title, "due": s.due, "estimated": s.estimated} for s in scheduled]
    )
    ITEM_FLOW.note(item, "back_schedule", actor, data={"steps": len(steps)})
    db.session.flush()
    return milestones_of(item)


def complete_milestone(item: SupervisionItem, milestone_id: int, actor: Actor) -> None:
    milestone = part_or_404(SupervisionMilestone, milestone_id, item)
    lock_for_update(milestone)  # confirmed twice at once: one history note
    is_person = actor.user_id is not None and actor.user_id == item.person_user_id
    if not (is_person and actor.can(REPORT)) and not actor.can(ASSIGN):
        raise TransitionForbidden(_("只有责任人或督查专员可以确认节点完成"))
    if not item.is_open:
        raise IllegalTransition(_("事项已办结，不能再调整节点"))
    if milestone.done_on is None:
        milestone.done_on = clock.today()
        ITEM_FLOW.note(item, "milestone_done", actor, data={"milestone": milestone.title})


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
    report = latest_report(item)
    assert report is not None
    attachments.save_all(REPORT_FILES.name, report.id, uploads, actor.user_id)
    return report


def attach_to_report(
    item: SupervisionItem, report_id: int, uploads: Sequence[Any], actor: Actor
) -> list[Any]:
    """Add files to one of the item's reports: its author only, while the item is open."""
    report = part_or_404(SupervisionReport, report_id, item)
    if actor.user_id is None or actor.user_id != report.author_id:
        raise TransitionForbidden(_("只有反馈人可以补充附件"))
    if not item.is_open:
        raise IllegalTransition(_("事项已办结，不能再补充附件"))
    if not any((u.filename or "").strip() for u in uploads):
        raise ValidationError({"files": [_("请选择要上传的文件。")]})
    return attachments.save_all(REPORT_FILES.name, report.id, uploads, actor.user_id)


def fire(
    item: SupervisionItem,
    name: str,
    actor: Actor,
    comment: str | None = None,
    data: Mapping[str, Any] | None = None,
) -> None:
    """A workflow move by name (the generated API and page routes share it)."""
    ITEM_FLOW.fire(item, name, actor, comment=comment, data=data)
