"""The tables over the API (board, the five views by name, as JSON or .xlsx), the
bulletin (.docx) and the decomposition import."""

from __future__ import annotations

from typing import Any

from flask import abort, g, request
from flask_babel import gettext as _
from marshmallow import ValidationError

from core.api.problem import problem
from core.api.routes import api_route
from core.auth.users import current_actor
from core.exportruns.service import answer_export
from core.exports import MIMETYPES, download_response
from core.import_schemas import ImportQuery, ImportResultOut
from plugins.supervision import documents, presenters
from plugins.supervision.api.blueprint import bp
from plugins.supervision.exports import BOARD
from plugins.supervision.permissions import ASSIGN, VIEW
from plugins.supervision.queries import tables
from plugins.supervision.queries.board import board_table
from plugins.supervision.schemas import (
    SupervisionBoardQuery,
    SupervisionBoardRowOut,
    SupervisionBulletinQuery,
    SupervisionReportRowsOut,
    SupervisionViewQuery,
)
from plugins.supervision.services import imports

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
    if query["format"] == "xlsx":
        return answer_export(BOARD.name, request.args.to_dict())
    return presenters.board_rows(board_table(g.tenant, query))


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
    query=ImportQuery,
    response=ImportResultOut,
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
