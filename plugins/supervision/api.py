"""The supervision API (``/api/v1/t/<tenant>/supervision/...``).

Every route goes through ``api_route`` (validation, permission, OpenAPI). Another
tenant's ids are invisible to the scoped session and answer 404; workflow refusals
answer 409 (state, guard) or 403 (permission), bad input 422.
"""

from __future__ import annotations

from typing import Any

from flask import abort, g, request
from flask_babel import gettext as _
from marshmallow import Schema, ValidationError

from core.api.pagination import keyset_page
from core.api.problem import problem
from core.api.routes import api_route
from core.attachments.schemas import AttachmentOut
from core.auth.users import current_actor
from core.exports import MIMETYPES, download_response
from core.routing import tenant_blueprint
from core.workflow import Transition
from plugins.supervision import documents, presenters
from plugins.supervision.jobs import scan
from plugins.supervision.models import SupervisionItem
from plugins.supervision.permissions import ASSIGN, REPORT, VERIFY, VIEW
from plugins.supervision.queries import records, tables
from plugins.supervision.queries.records import item_or_404
from plugins.supervision.schemas import (
    SupervisionAccountabilityIn,
    SupervisionAccountabilityOut,
    SupervisionBackScheduleIn,
    SupervisionBackSchedulePreviewIn,
    SupervisionBoardQuery,
    SupervisionBoardRowOut,
    SupervisionBulletinQuery,
    SupervisionCommentIn,
    SupervisionDecisionIn,
    SupervisionExtensionIn,
    SupervisionExtensionOut,
    SupervisionImportQuery,
    SupervisionImportResultOut,
    SupervisionItemIn,
    SupervisionItemListQuery,
    SupervisionItemOut,
    SupervisionItemPatch,
    SupervisionMessageIn,
    SupervisionMilestoneOut,
    SupervisionRateIn,
    SupervisionReminderOut,
    SupervisionReportIn,
    SupervisionReportOut,
    SupervisionReportRowsOut,
    SupervisionScheduledStepOut,
    SupervisionViewQuery,
)
from plugins.supervision.services import followup, imports, items
from plugins.supervision.workflow import ITEM_FLOW

bp = tenant_blueprint(
    "supervision_api", __name__, kind="api", plugin="supervision", prefix="/supervision"
)


class SupervisionHistoryOut(SupervisionReportRowsOut):
    pass


# -- Items ------------------------------------------------------------------------------


@api_route(
    bp,
    "/items",
    summary="督办事项列表（游标分页，可按责任领导、科室、责任人、来源、状态、亮灯筛选）",
    query=SupervisionItemListQuery,
    response=SupervisionItemOut,
    paginated=True,
    permission=VIEW,
)
def list_items(query: dict[str, Any]):
    statement = tables.item_list(query)
    return keyset_page(
        statement, [SupervisionItem.id], cursor=query.get("cursor"), limit=query["limit"]
    )


@api_route(
    bp,
    "/items",
    methods=["POST"],
    summary="立项（可带时间节点、协办人；assign=true 时立即交办）",
    body=SupervisionItemIn,
    response=SupervisionItemOut,
    status=201,
    permission=ASSIGN,
)
def create_item(body: dict[str, Any]):
    milestones = body.pop("milestones")
    co_handlers = body.pop("co_handler_ids")
    assign = body.pop("assign")
    return items.create_item(
        body,
        current_actor(),
        milestones=milestones,
        co_handler_ids=co_handlers,
        assign=assign,
    )


@api_route(
    bp, "/items/<int:item_id>", summary="督办事项详情", response=SupervisionItemOut, permission=VIEW
)
def get_item(item_id: int):
    return item_or_404(item_id)


@api_route(
    bp,
    "/items/<int:item_id>",
    methods=["PATCH"],
    summary="修改未办结事项的信息（只改提交的字段；期限经延期审批才能改，交办后不能换责任人）",
    body=SupervisionItemPatch,
    response=SupervisionItemOut,
    permission=ASSIGN,
)
def update_item(item_id: int, body: dict[str, Any]):
    return items.update_item(item_or_404(item_id), body, current_actor())


@api_route(
    bp,
    "/items/<int:item_id>/children",
    summary="子事项",
    response=SupervisionItemOut,
    many=True,
    permission=VIEW,
)
def item_children(item_id: int):
    return records.children_of(item_or_404(item_id))


@api_route(
    bp,
    "/items/<int:item_id>/history",
    summary="办理过程（状态变化、催办、延期等）",
    response=SupervisionHistoryOut,
    permission=VIEW,
)
def item_history(item_id: int):
    return presenters.history_dict(item_or_404(item_id))


@api_route(
    bp,
    "/items/<int:item_id>/reports",
    summary="进展反馈记录",
    response=SupervisionReportOut,
    many=True,
    permission=VIEW,
)
def list_reports(item_id: int):
    return records.reports_of(item_or_404(item_id))


@api_route(
    bp,
    "/items/<int:item_id>/reports/<int:report_id>/attachments",
    methods=["POST"],
    summary="为进展反馈上传附件（multipart 字段 files，可多个；反馈人）",
    response=AttachmentOut,
    many=True,
    status=201,
    permission=REPORT,
)
def add_report_files(item_id: int, report_id: int):
    return items.attach_to_report(
        item_or_404(item_id), report_id, request.files.getlist("files"), current_actor()
    )


#: The body each move takes (a comment, or what its guards read).
MOVE_BODIES: dict[str, type[Schema]] = {"report": SupervisionReportIn, "rate": SupervisionRateIn}


def _transition_route(transition: Transition) -> None:
    def view(item_id: int, body: dict[str, Any]):
        item = item_or_404(item_id)
        comment = body.pop("comment", None)
        items.fire(item, transition.name, current_actor(), comment=comment, data=body)
        return item

    view.__name__ = f"transition_{transition.name}"
    api_route(
        bp,
        f"/items/<int:item_id>/transitions/{transition.name}",
        methods=["POST"],
        summary=f"流转：{transition.title}（状态不允许或条件不满足时 409，无权限时 403）",
        body=MOVE_BODIES.get(transition.name, SupervisionCommentIn),
        response=SupervisionItemOut,
        permission=transition.permission,
    )(view)


for _transition in ITEM_FLOW.transitions:
    _transition_route(_transition)


# -- Milestones ----------------------------------------------------------------------------


@api_route(
    bp,
    "/items/<int:item_id>/milestones",
    summary="时间节点",
    response=SupervisionMilestoneOut,
    many=True,
    permission=VIEW,
)
def list_milestones(item_id: int):
    return records.milestones_of(item_or_404(item_id))


@api_route(
    bp,
    "/items/<int:item_id>/milestones/back-schedule",
    methods=["POST"],
    summary="倒排工期：按步骤和工作日数从期限倒推节点（替换原节点）",
    body=SupervisionBackScheduleIn,
    response=SupervisionMilestoneOut,
    many=True,
    permission=ASSIGN,
)
def back_schedule_item(item_id: int, body: dict[str, Any]):
    steps = [(s["title"], s["working_days"]) for s in body["steps"]]
    return items.replace_milestones(item_or_404(item_id), steps, current_actor())


@api_route(
    bp,
    "/items/<int:item_id>/milestones/<int:milestone_id>/done",
    methods=["POST"],
    summary="确认节点完成",
    response=SupervisionMilestoneOut,
    many=True,
    permission=VIEW,
)
def milestone_done(item_id: int, milestone_id: int):
    item = item_or_404(item_id)
    items.complete_milestone(item, milestone_id, current_actor())
    return records.milestones_of(item)


@api_route(
    bp,
    "/back-schedule",
    methods=["POST"],
    summary="倒排工期试算（不保存）",
    body=SupervisionBackSchedulePreviewIn,
    response=SupervisionScheduledStepOut,
    many=True,
    permission=VIEW,
)
def back_schedule_preview(body: dict[str, Any]):
    steps = [(s["title"], s["working_days"]) for s in body["steps"]]
    return items.back_schedule(body["deadline"], steps)


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


# -- Tables and documents -----------------------------------------------------------------


@api_route(
    bp,
    "/board",
    summary="红黄绿灯看板（format=xlsx 导出）",
    query=SupervisionBoardQuery,
    response=SupervisionBoardRowOut,
    many=True,
    permission=VIEW,
)
def board(query: dict[str, Any]):
    table = tables.board(g.tenant, query)
    if query["format"] == "xlsx":
        return download_response(documents.table_xlsx(table), "督办事项看板.xlsx", "xlsx")
    return presenters.board_rows(table)


@api_route(
    bp,
    "/views/<name>",
    summary=(
        "督办报表：week 本周工作安排、month-plan 月工作计划、month-summary 月工作小结、"
        "performance 月工作实绩公开、overdue 逾期事项清单（month=YYYY-MM；format=xlsx 导出）"
    ),
    query=SupervisionViewQuery,
    response=SupervisionReportRowsOut,
    permission=VIEW,
)
def view_table(name: str, query: dict[str, Any]):
    if name not in tables.VIEWS:
        abort(404)
    table, filename = tables.view(name, query.get("month"))
    if query["format"] == "xlsx":
        return download_response(documents.table_xlsx(table), filename, "xlsx")
    return presenters.table_dict(table)


@api_route(
    bp,
    "/bulletin",
    summary="督查通报（.docx，本单位可替换模板）",
    query=SupervisionBulletinQuery,
    raw_response=MIMETYPES["docx"],
    permission=VIEW,
)
def bulletin_docx(query: dict[str, Any]):
    month = query.get("month")
    data = documents.bulletin_docx(g.tenant, month)
    return download_response(data, documents.bulletin_filename(month), "docx")


# -- Import ---------------------------------------------------------------------------------


@api_route(
    bp,
    "/import-template",
    summary="下载年度工作要点分解表导入模板（.xlsx）",
    raw_response=MIMETYPES["xlsx"],
    permission=ASSIGN,
)
def import_template():
    return download_response(documents.import_template(), "工作要点分解立项导入模板.xlsx", "xlsx")


@api_route(
    bp,
    "/import",
    methods=["POST"],
    summary="导入年度工作要点分解表（multipart 字段 file；逐行校验，全部通过才写入）",
    query=SupervisionImportQuery,
    response=SupervisionImportResultOut,
    permission=ASSIGN,
)
def import_items(query: dict[str, Any]):
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise ValidationError({"file": [_("请选择要导入的 .xlsx 文件。")]})
    outcome = imports.import_items(upload.stream, current_actor())
    if not outcome["ok"]:
        return problem(422, _("导入文件未通过校验，未写入任何数据。"), **outcome)
    return outcome
