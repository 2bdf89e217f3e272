"""The supervision item lifecycle declared with :mod:`core.workflow`.

    created ─ assign ─▶ assigned ─ acknowledge ─▶ acknowledged ─ report ─▶ in_progress
    in_progress ─ report ─▶ in_progress ─ request_completion ─▶ completion_requested
    completion_requested ─ verify ─▶ closed ─ rate ─▶ rated ─ archive ─▶ archived
    completion_requested ─ send_back ─▶ in_progress

A parent item cannot ask for completion nor be verified while a sub-item is open.
The effects are in :mod:`plugins.supervision.services.moves`, which imports nothing of
this module. Events that do not move the item (a reminder, an escalation, an extension decided, an
accountability record) go to its history through :meth:`core.workflow.Workflow.note`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _

from core.attachments.kinds import AttachmentKind, declare
from core.i18n import N_
from core.workflow import Transition, Workflow
from plugins.supervision.models import RATINGS, SupervisionItem
from plugins.supervision.permissions import ASSIGN, REPORT, VERIFY, VIEW
from plugins.supervision.queries.records import co_handler_ids, open_children
from plugins.supervision.services import moves

if TYPE_CHECKING:
    from core.auth.users import Actor

PLUGIN = "supervision"

#: Files attached to a progress report (反馈附件: minutes, photos, documents).
REPORT_FILES = declare(AttachmentKind("supervision.report", plugin=PLUGIN, view_permission=VIEW))

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
            effects=(moves.assign,),
        ),
        Transition(
            "acknowledge",
            ("assigned",),
            "acknowledged",
            N_("签收"),
            permission=REPORT,
            guards=(_is_person,),
            effects=(moves.acknowledge,),
        ),
        Transition(
            "report",
            ("acknowledged", "in_progress"),
            "in_progress",
            N_("反馈进展"),
            permission=REPORT,
            guards=(_is_person_or_co_handler, _report_given),
            effects=(moves.report,),
        ),
        Transition(
            "request_completion",
            ("in_progress",),
            "completion_requested",
            N_("申请办结"),
            permission=REPORT,
            guards=(_is_person, _no_open_children),
            effects=(moves.request_completion,),
        ),
        Transition(
            "verify",
            ("completion_requested",),
            "closed",
            N_("核验办结"),
            permission=VERIFY,
            guards=(_no_open_children,),
            effects=(moves.verify,),
        ),
        Transition(
            "send_back",
            ("completion_requested",),
            "in_progress",
            N_("退回重办"),
            permission=VERIFY,
            comment_required=True,
            effects=(moves.send_back,),
        ),
        Transition(
            "rate",
            ("closed",),
            "rated",
            N_("评价"),
            permission=VERIFY,
            guards=(_rating_known,),
            effects=(moves.rate,),
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
