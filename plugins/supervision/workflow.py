"""The supervision item lifecycle declared with :mod:`core.workflow`.

    created ─ assign ─▶ assigned ─ acknowledge ─▶ acknowledged ─ report ─▶ in_progress
    in_progress ─ report ─▶ in_progress ─ request_completion ─▶ completion_requested
    completion_requested ─ verify ─▶ closed ─ rate ─▶ rated ─ archive ─▶ archived
    completion_requested ─ send_back ─▶ in_progress

A parent item cannot ask for completion nor be verified while a sub-item is open.
Events that do not move the item (a reminder, an escalation, an extension decided, an
accountability record) go to its history through :meth:`core.workflow.Workflow.note`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from sqlalchemy import select, update

from core import clock
from core.attachments.kinds import AttachmentKind, declare
from core.calendar import add_months, add_working_days
from core.db import db
from core.i18n import N_
from core.plugins.settings import resolved_settings
from core.tenancy.models import Tenant
from core.workflow import Transition, Workflow
from plugins.supervision.models import (
    OPEN_STATES,
    RATINGS,
    SupervisionCoHandler,
    SupervisionItem,
    SupervisionReminder,
    SupervisionReport,
)

if TYPE_CHECKING:
    from core.auth.users import Actor

PLUGIN = "supervision"
VIEW, ASSIGN, REPORT, VERIFY = (
    "supervision.view",
    "supervision.assign",
    "supervision.report",
    "supervision.verify",
)

#: Files attached to a progress report (反馈附件: minutes, photos, documents).
REPORT_FILES = declare(
    AttachmentKind("supervision.report", plugin=PLUGIN, view_permission="supervision.view")
)

STATES = {
    "created": N_("已立项"),
    "assigned": N_("已交办"),
    "acknowledged": N_("已签收"),
    "in_progress": N_("办理中"),
    "completion_requested": N_("申请办结"),
    "closed": N_("已办结"),
    "rated": N_("已评价"),
    "archived": N_("已归档"),
}


def settings_of(item: SupervisionItem) -> dict[str, Any]:
    return resolved_settings(db.session.get(Tenant, item.tenant_id), PLUGIN)


def next_report_due(day: date, cycle: str) -> date | None:
    """When the next progress report is due after one given (or the item acknowledged)
    on ``day``: a week or a month later; never for a one-off item."""
    if cycle == "weekly":
        return day + timedelta(days=7)
    if cycle == "monthly":
        return add_months(day, 1)
    return None


def open_children(item: SupervisionItem) -> list[SupervisionItem]:
    return list(
        db.session.scalars(
            select(SupervisionItem).where(
                SupervisionItem.parent_id == item.id, SupervisionItem.state.in_(OPEN_STATES)
            )
        )
    )


def co_handler_ids(item: SupervisionItem) -> set[int]:
    return set(
        db.session.scalars(
            select(SupervisionCoHandler.user_id).where(SupervisionCoHandler.item_id == item.id)
        )
    )


def close_reminders(item: SupervisionItem, user_id: int | None = None, kinds=None) -> None:
    """Reminders of ``item`` leave the to-do list once what they asked for is done."""
    statement = (
        update(SupervisionReminder)
        .where(SupervisionReminder.item_id == item.id, SupervisionReminder.done_at.is_(None))
        .values(done_at=clock.now())
    )
    if user_id is not None:
        statement = statement.where(SupervisionReminder.user_id == user_id)
    if kinds:
        statement = statement.where(SupervisionReminder.kind.in_(kinds))
    db.session.execute(statement)


# -- Guards -------------------------------------------------------------------------------


def _has_person(item: SupervisionItem, _actor: Actor, _data) -> str | None:
    if item.person_user_id is None:
        return _("须先指定责任人")
    return None


def _is_person(item: SupervisionItem, actor: Actor, _data) -> str | None:
    if actor.user_id is None or actor.user_id != item.person_user_id:
        return _("只有责任人可以执行此操作")
    return None


def _is_person_or_co_handler(item: SupervisionItem, actor: Actor, _data) -> str | None:
    if actor.user_id is not None and (
        actor.user_id == item.person_user_id or actor.user_id in co_handler_ids(item)
    ):
        return None
    return _("只有责任人或协办人可以反馈进展")


def _report_given(item: SupervisionItem, _actor: Actor, data: Mapping[str, Any]) -> str | None:
    if not (data.get("text") or "").strip():
        return _("须填写进展情况")
    percent = data.get("percent")
    if not isinstance(percent, int) or isinstance(percent, bool) or not 0 <= percent <= 100:
        return _("完成进度须为 0 到 100 之间的整数")
    return None


def _no_open_children(item: SupervisionItem, _actor: Actor, _data) -> str | None:
    children = open_children(item)
    if children:
        return _(
            "尚有 %(n)s 个子事项未办结（%(serials)s），不能办结",
            n=len(children),
            serials="、".join(c.serial for c in children[:5]),
        )
    return None


def _rating_known(item: SupervisionItem, _actor: Actor, data: Mapping[str, Any]) -> str | None:
    if data.get("rating") not in RATINGS:
        return _("须选择评价等次（优、良、差）")
    return None


# -- Effects ------------------------------------------------------------------------------


def _assign(item: SupervisionItem, actor: Actor, _data) -> None:
    today = clock.today()
    item.assigned_on = today
    item.acknowledge_due = add_working_days(
        today, settings_of(item)["acknowledge_working_days"]
    ).date
    # The person's to-do from now on; the same occasion the scan uses when the
    # acknowledgement is late, so it is never listed twice.
    db.session.add(
        SupervisionReminder(
            item_id=item.id,
            user_id=item.person_user_id,
            occasion=f"acknowledge-{item.acknowledge_due.isoformat()}",
            kind="acknowledge",
            due=item.acknowledge_due,
            sender_id=actor.user_id,
        )
    )


def _acknowledge(item: SupervisionItem, actor: Actor, _data) -> None:
    item.acknowledged_on = clock.today()
    item.report_due = next_report_due(item.acknowledged_on, item.feedback_cycle)
    close_reminders(item, kinds=("acknowledge",))


def _report(item: SupervisionItem, actor: Actor, data: Mapping[str, Any]) -> None:
    today = clock.today()
    report = SupervisionReport(
        item_id=item.id,
        author_id=actor.user_id,
        author_name=actor.name,
        text=data["text"].strip(),
        percent=data["percent"],
        reported_on=today,
    )
    db.session.add(report)
    item.percent = data["percent"]
    item.last_report_on = today
    item.report_due = next_report_due(today, item.feedback_cycle)
    close_reminders(item, actor.user_id)


def _request_completion(item: SupervisionItem, _actor: Actor, _data) -> None:
    item.completion_requested_on = clock.today()


def _verify(item: SupervisionItem, _actor: Actor, _data) -> None:
    item.closed_on = clock.today()
    item.percent = 100
    item.report_due = None
    item.light = None
    close_reminders(item)


def _send_back(item: SupervisionItem, _actor: Actor, _data) -> None:
    item.completion_requested_on = None


def _rate(item: SupervisionItem, _actor: Actor, data: Mapping[str, Any]) -> None:
    item.rating = data["rating"]


ITEM_FLOW = Workflow(
    "supervision_item",
    states=STATES,
    initial="created",
    transitions=[
        Transition(
            "assign",
            ("created",),
            "assigned",
            N_("交办"),
            permission=ASSIGN,
            guards=(_has_person,),
            effects=(_assign,),
        ),
        Transition(
            "acknowledge",
            ("assigned",),
            "acknowledged",
            N_("签收"),
            permission=REPORT,
            guards=(_is_person,),
            effects=(_acknowledge,),
        ),
        Transition(
            "report",
            ("acknowledged", "in_progress"),
            "in_progress",
            N_("反馈进展"),
            permission=REPORT,
            guards=(_is_person_or_co_handler, _report_given),
            effects=(_report,),
        ),
        Transition(
            "request_completion",
            ("in_progress",),
            "completion_requested",
            N_("申请办结"),
            permission=REPORT,
            guards=(_is_person, _no_open_children),
            effects=(_request_completion,),
        ),
        Transition(
            "verify",
            ("completion_requested",),
            "closed",
            N_("核验办结"),
            permission=VERIFY,
            guards=(_no_open_children,),
            effects=(_verify,),
        ),
        Transition(
            "send_back",
            ("completion_requested",),
            "in_progress",
            N_("退回重办"),
            permission=VERIFY,
            comment_required=True,
            effects=(_send_back,),
        ),
        Transition(
            "rate",
            ("closed",),
            "rated",
            N_("评价"),
            permission=VERIFY,
            guards=(_rating_known,),
            effects=(_rate,),
        ),
        Transition("archive", ("rated",), "archived", N_("归档"), permission=VERIFY),
    ],
)

#: Titles of the events noted in an item's history (not state moves).
NOTE_TITLES = {
    "remind": N_("催办"),
    "escalate": N_("提级督办"),
    "request_extension": N_("申请延期"),
    "approve_extension": N_("批准延期"),
    "reject_extension": N_("不批准延期"),
    "accountability": N_("记录问责"),
    "back_schedule": N_("倒排工期"),
    "milestone_done": N_("节点完成"),
    "imported": N_("批量导入督办事项"),
    "edit": N_("修改事项信息"),
}
