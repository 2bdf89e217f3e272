"""Items over the API: listing, opening, correcting, their history, the workflow's
moves (generated from the declaration at ``…/items/<id>/transitions/<move>``), progress
reports' files and milestones."""

from __future__ import annotations

from typing import Any

from flask import request
from marshmallow import Schema

from core.api.routes import api_route
from core.api.transitions import transition_routes
from core.attachments.schemas import AttachmentOut
from core.auth.users import current_actor
from plugins.supervision import presenters
from plugins.supervision.api.blueprint import bp
from plugins.supervision.permissions import ASSIGN, REPORT, VIEW
from plugins.supervision.queries import records
from plugins.supervision.queries.records import item_or_404
from plugins.supervision.schemas import (
    SupervisionBackScheduleIn,
    SupervisionBackSchedulePreviewIn,
    SupervisionCommentIn,
    SupervisionHistoryOut,
    SupervisionItemIn,
    SupervisionItemListQuery,
    SupervisionItemOut,
    SupervisionItemPatch,
    SupervisionMilestoneOut,
    SupervisionRateIn,
    SupervisionReportIn,
    SupervisionReportOut,
    SupervisionScheduledStepOut,
)
from plugins.supervision.services import items
from plugins.supervision.workflow import ITEM_FLOW

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
    return records.ITEMS.page(query)


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


#: The body each move takes besides a comment (what its guards read).
MOVE_BODIES: dict[str, type[Schema]] = {"report": SupervisionReportIn, "rate": SupervisionRateIn}

transition_routes(
    bp,
    ITEM_FLOW,
    records="/items",
    id_arg="item_id",
    lookup=item_or_404,
    present=lambda item: item,
    response=SupervisionItemOut,
    permission=VIEW,
    body_for=lambda name: MOVE_BODIES.get(name, SupervisionCommentIn),
)


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
