"""The register's routes: the list and one record, an application, its documents,
objections and proofs. Household incomes go in full only to holders of
``assistance.view_income`` and every such response is audited; ID numbers are always
masked here (the core member API reveals them, audited, to ``core.view_identity``)."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import select

from core.api.pagination import Page
from core.api.routes import api_route
from core.attachments.services import save_all
from core.auth.users import current_actor
from plugins.assistance.api.blueprint import bp, page_of
from plugins.assistance.models import HardshipRecord
from plugins.assistance.permissions import APPROVE, REGISTER, VIEW
from plugins.assistance.presenters import record_out, records_out
from plugins.assistance.queries import records
from plugins.assistance.schemas.records import (
    DocumentsIn,
    ObjectionIn,
    ObjectionOut,
    RecordIn,
    RecordListQuery,
    RecordOut,
    ResolutionIn,
)
from plugins.assistance.services import register
from plugins.assistance.workflow import RECORD_FILES


@api_route(
    bp,
    "/records",
    summary="困难党员台账（游标分页，可按状态、困难程度、类别筛选；收入须 view_income 权限）",
    query=RecordListQuery,
    response=RecordOut,
    paginated=True,
    permission=VIEW,
)
def list_records(query: dict[str, Any]):
    statement = select(HardshipRecord).options(*records.LIST_LOADS)
    for field in ("state", "level", "category"):
        if query.get(field):
            statement = statement.where(getattr(HardshipRecord, field) == query[field])
    page = page_of(statement, HardshipRecord.id, query)
    return Page(records_out(page.items, "api.list"), page.next_cursor)


@api_route(
    bp,
    "/records",
    methods=["POST"],
    summary="困难党员申请建档（校验认定标准与排除情形，进入认定流程）",
    body=RecordIn,
    response=RecordOut,
    status=201,
    permission=REGISTER,
)
def create_record(body: dict[str, Any]):
    return record_out(register.apply(body, current_actor()), "api.create")


@api_route(bp, "/records/<int:record_id>", summary="台账详情", response=RecordOut, permission=VIEW)
def get_record(record_id: int):
    return record_out(records.record_or_404(record_id), "api.get")


@api_route(
    bp,
    "/records/<int:record_id>/documents",
    methods=["PUT"],
    summary="登记已提交的认定材料",
    body=DocumentsIn,
    response=RecordOut,
    permission=REGISTER,
)
def record_documents(record_id: int, body: dict[str, Any]):
    record = records.record_or_404(record_id)
    register.update_documents(record, body["documents"], current_actor())
    return record_out(record, "api.documents")


@api_route(
    bp,
    "/records/<int:record_id>/objections",
    methods=["POST"],
    summary="登记公示期间的异议",
    body=ObjectionIn,
    response=ObjectionOut,
    status=201,
    permission=REGISTER,
)
def raise_objection(record_id: int, body: dict[str, Any]):
    record = records.record_or_404(record_id)
    return register.raise_objection(record, body["content"], current_actor())


@api_route(
    bp,
    "/objections/<int:objection_id>/resolution",
    methods=["POST"],
    summary="处理异议（核实意见；成立则不能结束公示）",
    body=ResolutionIn,
    response=ObjectionOut,
    permission=APPROVE,
)
def resolve_objection(objection_id: int, body: dict[str, Any]):
    objection = records.objection_or_404(objection_id)
    register.resolve_objection(objection, body["resolution"], body["upheld"], current_actor())
    return objection


@api_route(
    bp,
    "/records/<int:record_id>/attachments",
    methods=["POST"],
    summary="上传证明材料（multipart 字段 files，可多个；按内容校验类型和大小）",
    response=RecordOut,
    status=201,
    permission=REGISTER,
)
def record_attachments(record_id: int):
    record = records.record_or_404(record_id)
    uploads = request.files.getlist("files")
    if not [u for u in uploads if (u.filename or "").strip()]:
        raise ValidationError({"files": [_("请选择要上传的文件。")]})
    save_all(RECORD_FILES.name, record.id, uploads, current_actor().user_id)
    return record_out(record, "api.attachments")
