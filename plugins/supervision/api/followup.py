"""Following items up over the API: extensions, reminders (催办), escalation,
accountability, and the scan run by hand."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from core.api.routes import api_route
from core.auth.users import current_actor
from plugins.supervision.api.blueprint import bp
from plugins.supervision.jobs import scan
from plugins.supervision.permissions import ASSIGN, REPORT, VERIFY, VIEW
from plugins.supervision.queries import records
from plugins.supervision.queries.records import item_or_404
from plugins.supervision.schemas import (
    SupervisionAccountabilityIn,
    SupervisionAccountabilityOut,
    SupervisionDecisionIn,
    SupervisionExtensionIn,
    SupervisionExtensionOut,
    SupervisionMessageIn,
    SupervisionReminderOut,
    SupervisionReportRowsOut,
)
from plugins.supervision.services import followup

# -- Extensions, reminders, escalation, accountability -----------------------------------


@api_route(
    bp,
    "/items/<int:item_id>/extensions",
    summary="延期申请",
    response=SupervisionExtensionOut,
    many=True,
    permission=VIEW,
)
def list_extensions(item_id: int):
    return records.extensions_of(item_or_404(item_id))


@api_route(
    bp,
    "/items/<int:item_id>/extensions",
    methods=["POST"],
    summary="申请延期（责任人；由责任领导审批）",
    body=SupervisionExtensionIn,
    response=SupervisionExtensionOut,
    status=201,
    permission=REPORT,
)
def request_extension(item_id: int, body: dict[str, Any]):
    return followup.request_extension(
        item_or_404(item_id), body["new_deadline"], body["reason"], current_actor()
    )


@api_route(
    bp,
    "/items/<int:item_id>/extensions/<int:extension_id>/decision",
    methods=["POST"],
    summary="审批延期（责任领导）",
    body=SupervisionDecisionIn,
    response=SupervisionExtensionOut,
    permission=VIEW,
)
def decide_extension(item_id: int, extension_id: int, body: dict[str, Any]):
    return followup.decide_extension(
        item_or_404(item_id), extension_id, body["approve"], body.get("comment"), current_actor()
    )


@api_route(
    bp,
    "/items/<int:item_id>/reminders",
    summary="事项的提醒与催办记录",
    response=SupervisionReminderOut,
    many=True,
    permission=VIEW,
)
def item_reminders(item_id: int):
    return records.reminders_of(item_or_404(item_id))


@api_route(
    bp,
    "/items/<int:item_id>/reminders",
    methods=["POST"],
    summary="催办（督查专员或责任领导；进入责任人待办）",
    body=SupervisionMessageIn,
    response=SupervisionReminderOut,
    status=201,
    permission=VIEW,
)
def remind(item_id: int, body: dict[str, Any]):
    return followup.remind(item_or_404(item_id), body["message"], current_actor())


@api_route(
    bp,
    "/items/<int:item_id>/escalate",
    methods=["POST"],
    summary="提级督办（提交责任领导）",
    body=SupervisionMessageIn,
    response=SupervisionReminderOut,
    status=201,
    permission=ASSIGN,
)
def escalate(item_id: int, body: dict[str, Any]):
    return followup.escalate(item_or_404(item_id), body["message"], current_actor())


@api_route(
    bp,
    "/items/<int:item_id>/accountability",
    summary="问责记录",
    response=SupervisionAccountabilityOut,
    many=True,
    permission=VIEW,
)
def list_accountability(item_id: int):
    return records.accountabilities_of(item_or_404(item_id))


@api_route(
    bp,
    "/items/<int:item_id>/accountability",
    methods=["POST"],
    summary="记录问责（逾期或评价为差的事项）",
    body=SupervisionAccountabilityIn,
    response=SupervisionAccountabilityOut,
    status=201,
    permission=VERIFY,
)
def add_accountability(item_id: int, body: dict[str, Any]):
    return followup.add_accountability(item_or_404(item_id), body, current_actor())


@api_route(
    bp,
    "/reminders",
    summary="我的未办提醒",
    response=SupervisionReminderOut,
    many=True,
    permission=VIEW,
)
def my_reminders():
    return records.open_reminders_of(current_actor().user_id)


@api_route(
    bp,
    "/reminders/<int:reminder_id>/done",
    methods=["POST"],
    summary="提醒标记为已阅",
    response=SupervisionReminderOut,
    permission=VIEW,
)
def reminder_done(reminder_id: int):
    return followup.dismiss_reminder(reminder_id, current_actor())


@api_route(
    bp,
    "/scan",
    methods=["POST"],
    summary="立即更新亮灯并发送到期提醒（定时任务每小时自动执行）",
    response=SupervisionReportRowsOut,
    permission=ASSIGN,
)
def run_scan():
    counts = scan()
    return {"title": _("扫描结果"), "columns": [], "rows": [counts]}
