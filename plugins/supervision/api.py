"""The supervision API (``/api/v1/t/<tenant>/supervision/...``).

Every route goes through ``api_route`` (validation, permission, OpenAPI). Another
tenant's ids are invisible to the scoped session and answer 404; workflow refusals
answer 409 (state, guard) or 403 (permission), bad input 422.
"""

from __future__ import annotations

from typing import Any

from flask import g, request
from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import select

from core.api.pagination import keyset_page
from core.api.problem import problem
from core.api.routes import api_route
from core.attachments.schemas import AttachmentOut
from core.auth.users import current_actor
from core.documents import services as documents
from core.exports import MIMETYPES, download_response
from core.imports import template_xlsx
from core.routing import tenant_blueprint
from core.workflow import StateChange
from plugins.supervision import bulletin, decomposition, services, views
from plugins.supervision.models import SupervisionItem, SupervisionReminder
from plugins.supervision.scan import scan
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
    SupervisionFormatQuery,
    SupervisionImportQuery,
    SupervisionImportResultOut,
    SupervisionItemIn,
    SupervisionItemListQuery,
    SupervisionItemOut,
    SupervisionItemPatch,
    SupervisionMessageIn,
    SupervisionMilestoneOut,
    SupervisionMonthQuery,
    SupervisionRateIn,
    SupervisionReminderOut,
    SupervisionReportIn,
    SupervisionReportOut,
    SupervisionReportRowsOut,
    SupervisionScheduledStepOut,
)
from plugins.supervision.workflow import ASSIGN, REPORT, VERIFY, VIEW

bp = tenant_blueprint(
    "supervision_api", __name__, kind="api", plugin="supervision", prefix="/supervision"
)


class SupervisionHistoryOut(SupervisionReportRowsOut):
    pass


def _item(item_id: int) -> SupervisionItem:
    return services.item_or_404(item_id)


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
    statement = select(SupervisionItem)
    for key in ("leader_user_id", "section_id", "person_user_id", "source", "state", "light"):
        if query.get(key):
            statement = statement.where(getattr(SupervisionItem, key) == query[key])
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
    return services.create_item(
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
    return _item(item_id)


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
    return services.update_item(_item(item_id), body, current_actor())


@api_route(
    bp,
    "/items/<int:item_id>/children",
    summary="子事项",
    response=SupervisionItemOut,
    many=True,
    permission=VIEW,
)
def item_children(item_id: int):
    return services.children_of(_item(item_id))


@api_route(
    bp,
    "/items/<int:item_id>/history",
    summary="办理过程（状态变化、催办、延期等）",
    response=SupervisionHistoryOut,
    permission=VIEW,
)
def item_history(item_id: int):
    from plugins.supervision.workflow import ITEM_FLOW

    changes: list[StateChange] = ITEM_FLOW.history(_item(item_id))
    return {
        "title": _("办理过程"),
        "columns": [],
        "rows": [
            {
                "transition": c.transition,
                "from_state": c.from_state,
                "to_state": c.to_state,
                "actor_name": c.actor_name,
                "comment": c.comment,
                "at": c.at.isoformat() if c.at else None,
            }
            for c in changes
        ],
    }


def _move(item_id: int, name: str, comment: str | None = None, data=None) -> SupervisionItem:
    item = _item(item_id)
    services.fire(item, name, current_actor(), comment=comment, data=data)
    return item


@api_route(
    bp,
    "/items/<int:item_id>/assign",
    methods=["POST"],
    summary="交办",
    body=SupervisionCommentIn,
    response=SupervisionItemOut,
    permission=ASSIGN,
)
def assign(item_id: int, body: dict[str, Any]):
    return _move(item_id, "assign", body.get("comment"))


@api_route(
    bp,
    "/items/<int:item_id>/acknowledge",
    methods=["POST"],
    summary="签收（责任人）",
    body=SupervisionCommentIn,
    response=SupervisionItemOut,
    permission=REPORT,
)
def acknowledge(item_id: int, body: dict[str, Any]):
    return _move(item_id, "acknowledge", body.get("comment"))


@api_route(
    bp,
    "/items/<int:item_id>/reports",
    summary="进展反馈记录",
    response=SupervisionReportOut,
    many=True,
    permission=VIEW,
)
def list_reports(item_id: int):
    return services.reports_of(_item(item_id))


@api_route(
    bp,
    "/items/<int:item_id>/reports",
    methods=["POST"],
    summary="反馈进展（文字、完成百分比；责任人或协办人）",
    body=SupervisionReportIn,
    response=SupervisionItemOut,
    status=201,
    permission=REPORT,
)
def add_report(item_id: int, body: dict[str, Any]):
    item = _item(item_id)
    services.report_progress(item, body["text"], body["percent"], current_actor())
    return item


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
    return services.attach_to_report(
        _item(item_id), report_id, request.files.getlist("files"), current_actor()
    )


@api_route(
    bp,
    "/items/<int:item_id>/request-completion",
    methods=["POST"],
    summary="申请办结（责任人；子事项须已全部办结）",
    body=SupervisionCommentIn,
    response=SupervisionItemOut,
    permission=REPORT,
)
def request_completion(item_id: int, body: dict[str, Any]):
    return _move(item_id, "request_completion", body.get("comment"))


@api_route(
    bp,
    "/items/<int:item_id>/verify",
    methods=["POST"],
    summary="核验办结",
    body=SupervisionCommentIn,
    response=SupervisionItemOut,
    permission=VERIFY,
)
def verify(item_id: int, body: dict[str, Any]):
    return _move(item_id, "verify", body.get("comment"))


@api_route(
    bp,
    "/items/<int:item_id>/send-back",
    methods=["POST"],
    summary="退回重办（须写明理由）",
    body=SupervisionCommentIn,
    response=SupervisionItemOut,
    permission=VERIFY,
)
def send_back(item_id: int, body: dict[str, Any]):
    return _move(item_id, "send_back", body.get("comment"))


@api_route(
    bp,
    "/items/<int:item_id>/rate",
    methods=["POST"],
    summary="评价（优、良、差）",
    body=SupervisionRateIn,
    response=SupervisionItemOut,
    permission=VERIFY,
)
def rate(item_id: int, body: dict[str, Any]):
    return _move(item_id, "rate", body.get("comment"), data={"rating": body["rating"]})


@api_route(
    bp,
    "/items/<int:item_id>/archive",
    methods=["POST"],
    summary="归档",
    body=SupervisionCommentIn,
    response=SupervisionItemOut,
    permission=VERIFY,
)
def archive(item_id: int, body: dict[str, Any]):
    return _move(item_id, "archive", body.get("comment"))


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
    return services.milestones_of(_item(item_id))


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
    return services.replace_milestones(_item(item_id), steps, current_actor())


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
    item = _item(item_id)
    services.complete_milestone(item, milestone_id, current_actor())
    return services.milestones_of(item)


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
    return services.back_schedule(body["deadline"], steps)


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
    return services.extensions_of(_item(item_id))


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
    return services.request_extension(
        _item(item_id), body["new_deadline"], body["reason"], current_actor()
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
    return services.decide_extension(
        _item(item_id), extension_id, body["approve"], body.get("comment"), current_actor()
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
    return services.reminders_of(_item(item_id))


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
    return services.remind(_item(item_id), body["message"], current_actor())


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
    return services.escalate(_item(item_id), body["message"], current_actor())


@api_route(
    bp,
    "/items/<int:item_id>/accountability",
    summary="问责记录",
    response=SupervisionAccountabilityOut,
    many=True,
    permission=VIEW,
)
def list_accountability(item_id: int):
    return services.accountabilities_of(_item(item_id))


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
    return services.add_accountability(_item(item_id), body, current_actor())


@api_route(
    bp,
    "/reminders",
    summary="我的未办提醒",
    response=SupervisionReminderOut,
    many=True,
    permission=VIEW,
)
def my_reminders():
    from core.db import db

    return list(
        db.session.scalars(
            select(SupervisionReminder)
            .where(
                SupervisionReminder.user_id == current_actor().user_id,
                SupervisionReminder.done_at.is_(None),
            )
            .order_by(SupervisionReminder.id)
            .limit(200)
        )
    )


@api_route(
    bp,
    "/reminders/<int:reminder_id>/done",
    methods=["POST"],
    summary="提醒标记为已阅",
    response=SupervisionReminderOut,
    permission=VIEW,
)
def reminder_done(reminder_id: int):
    return services.dismiss_reminder(reminder_id, current_actor())


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


# -- Views and documents -----------------------------------------------------------------


def _table(table: views.Table, fmt: str, filename: str):
    if fmt == "xlsx":
        return download_response(table.xlsx(), filename, "xlsx")
    return table.to_dict()


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
    table = views.board(g.tenant, query)
    if query["format"] == "xlsx":
        return download_response(table.xlsx(), "督办事项看板.xlsx", "xlsx")
    fields = SupervisionItemOut().fields
    return [
        {**{f: getattr(row["item"], f) for f in fields}, **_names(row), "light": row["light"]}
        for row in table.rows
    ]


def _names(row: dict[str, Any]) -> dict[str, Any]:
    return {k: row[k] for k in ("leader_name", "person_name", "section_name")}


@api_route(
    bp,
    "/views/week",
    summary="本周工作安排（format=xlsx 导出）",
    query=SupervisionFormatQuery,
    response=SupervisionReportRowsOut,
    permission=VIEW,
)
def week(query: dict[str, Any]):
    return _table(views.week_schedule(), query["format"], "本周工作安排.xlsx")


@api_route(
    bp,
    "/views/month-plan",
    summary="月工作计划（month=YYYY-MM；format=xlsx 导出）",
    query=SupervisionMonthQuery,
    response=SupervisionReportRowsOut,
    permission=VIEW,
)
def month_plan(query: dict[str, Any]):
    return _table(views.month_plan(query.get("month")), query["format"], "月工作计划.xlsx")


@api_route(
    bp,
    "/views/month-summary",
    summary="月工作小结（month=YYYY-MM；format=xlsx 导出）",
    query=SupervisionMonthQuery,
    response=SupervisionReportRowsOut,
    permission=VIEW,
)
def month_summary(query: dict[str, Any]):
    return _table(views.month_summary(query.get("month")), query["format"], "月工作小结.xlsx")


@api_route(
    bp,
    "/views/performance",
    summary="月工作实绩公开：按科室、责任人的按期办结率和逾期数（format=xlsx 导出）",
    query=SupervisionMonthQuery,
    response=SupervisionReportRowsOut,
    permission=VIEW,
)
def performance(query: dict[str, Any]):
    return _table(views.performance(query.get("month")), query["format"], "月工作实绩公开.xlsx")


@api_route(
    bp,
    "/views/overdue",
    summary="逾期事项清单（按责任领导；format=xlsx 导出）",
    query=SupervisionFormatQuery,
    response=SupervisionReportRowsOut,
    permission=VIEW,
)
def overdue(query: dict[str, Any]):
    return _table(views.overdue_by_leader(), query["format"], "逾期事项清单.xlsx")


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
    data = documents.render(bulletin.NAME, bulletin.context(g.tenant, month))
    return download_response(data, bulletin.filename(month), "docx")


# -- Import ---------------------------------------------------------------------------------


@api_route(
    bp,
    "/import-template",
    summary="下载年度工作要点分解表导入模板（.xlsx）",
    raw_response=MIMETYPES["xlsx"],
    permission=ASSIGN,
)
def import_template():
    data = template_xlsx(decomposition.HEADERS, decomposition.EXAMPLE)
    return download_response(data, "工作要点分解立项导入模板.xlsx", "xlsx")


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
    outcome = decomposition.import_items(upload.stream, current_actor())
    if not outcome["ok"]:
        return problem(422, _("导入文件未通过校验，未写入任何数据。"), **outcome)
    return outcome
