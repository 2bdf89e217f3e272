"""The petitions API: register, list, detail, history, one route per workflow move,
conflict declarations, the audited identity disclosure, the ledger export, categories.

Every route goes through ``api_route`` (validation, permission, OpenAPI). Another
tenant's ids are invisible to the scoped session and answer 404.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask import abort, request
from flask_babel import gettext as _
from marshmallow import ValidationError

from core.api.routes import api_route
from core.api.transitions import StateChangeOut, transition_routes
from core.attachments.schemas import AttachmentOut
from core.auth.users import current_actor
from core.db import db
from core.exportruns.service import answer_export
from core.exports import MIMETYPES
from plugins.petitions import attachments, confidentiality
from plugins.petitions.api.blueprint import bp
from plugins.petitions.documents import ledger
from plugins.petitions.permissions import HANDLE, MANAGE_CATEGORIES, REGISTER, VIEW, VIEW_IDENTITY
from plugins.petitions.presenters import history_rows, petition_dict, petition_summaries
from plugins.petitions.queries import categories
from plugins.petitions.queries import petitions as queries
from plugins.petitions.schemas.categories import (
    PetitionCategoryIn,
    PetitionCategoryListQuery,
    PetitionCategoryOut,
)
from plugins.petitions.schemas.moves import schema_for
from plugins.petitions.schemas.petitions import (
    PetitionConflictIn,
    PetitionConflictOut,
    PetitionExportQuery,
    PetitionIdentityOut,
    PetitionIn,
    PetitionListQuery,
    PetitionOut,
    PetitionSummaryOut,
)
from plugins.petitions.services import categories as taxonomy
from plugins.petitions.services import petitions as acting
from plugins.petitions.services.registration import register
from plugins.petitions.workflow import PETITION_FLOW, is_linked

#: The list shows summaries only: no per-row reads (see core.api.listing).
LIST = replace(queries.PETITIONS, present=petition_summaries)


@api_route(
    bp,
    "",
    summary="信访件列表（按收件日期倒序，游标分页，可筛选）",
    query=PetitionListQuery,
    response=PetitionSummaryOut,
    paginated=True,
    permission=VIEW,
)
def list_petitions(query: dict[str, Any]):
    return LIST.page(query)


@api_route(
    bp,
    "",
    methods=["POST"],
    summary="登记信访件（信访人可多人，匿名时不填；被反映人可多人）",
    body=PetitionIn,
    response=PetitionOut,
    status=201,
    permission=REGISTER,
)
def create_petition(body: dict[str, Any]):
    petitioners = body.pop("petitioners")
    reported = body.pop("reported_persons")
    petition = register(body, petitioners, reported, current_actor())
    return petition_dict(_fresh(petition))


def _fresh(petition):
    """Reload the viewonly relationships after registering (they were empty then)."""
    db.session.expire(petition, ["petitioners", "reported_persons"])
    return petition


@api_route(
    bp,
    "/<int:petition_id>",
    summary="信访件详情（信访人身份打码）",
    response=PetitionOut,
    permission=VIEW,
)
def get_petition(petition_id: int):
    return petition_dict(queries.petition_or_404(petition_id))


@api_route(
    bp,
    "/<int:petition_id>/history",
    summary="办理过程（流转记录）",
    response=StateChangeOut,
    many=True,
    permission=VIEW,
)
def petition_history(petition_id: int):
    return history_rows(queries.petition_or_404(petition_id))


@api_route(
    bp,
    "/<int:petition_id>/identity",
    methods=["POST"],
    summary="查看信访人完整身份信息（每次记入审计）",
    response=PetitionIdentityOut,
    permission=VIEW_IDENTITY,
)
def petition_identity(petition_id: int):
    petition = queries.petition_or_404(petition_id)
    return {
        "id": petition.id,
        "serial": petition.serial,
        "petitioners": confidentiality.reveal(petition, "api"),
    }


# One route per move, from the declaration; a move carried over from another tenant's
# action (is_linked) is fired by that action, never by a client.
transition_routes(
    bp,
    PETITION_FLOW,
    records="",
    id_arg="petition_id",
    lookup=queries.petition_or_404,
    present=petition_dict,
    response=PetitionOut,
    permission=VIEW,
    body_for=schema_for,
    fire=acting.fire,
    include=lambda transition: not is_linked(transition),
)


@api_route(
    bp,
    "/<int:petition_id>/conflicts",
    summary="声明回避的人员",
    response=PetitionConflictOut,
    many=True,
    permission=VIEW,
)
def list_conflicts(petition_id: int):
    return queries.conflicts_of(queries.petition_or_404(petition_id))


@api_route(
    bp,
    "/<int:petition_id>/conflicts",
    methods=["POST"],
    summary="声明回避（本人；替他人声明须有审批权限）",
    body=PetitionConflictIn,
    response=PetitionConflictOut,
    status=201,
    permission=HANDLE,
)
def declare_conflict(petition_id: int, body: dict[str, Any]):
    petition = queries.petition_or_404(petition_id)
    return acting.declare_conflict(petition, current_actor(), body.get("user_id"), body["reason"])


@api_route(
    bp,
    "/<int:petition_id>/attachments",
    summary="附件列表（检举件的附件须有查看身份权限）",
    response=AttachmentOut,
    many=True,
    permission=VIEW,
)
def list_attachments(petition_id: int):
    petition = queries.petition_or_404(petition_id)
    if not attachments.files_visible(petition, current_actor()):
        abort(403, _("检举件的附件可能暴露检举人身份，仅限有查看身份权限的人员查看。"))
    return attachments.files_of(petition)


@api_route(
    bp,
    "/<int:petition_id>/attachments",
    methods=["POST"],
    summary="上传附件（multipart 字段 files，可多个；按内容检查类型与大小）",
    response=AttachmentOut,
    many=True,
    status=201,
    permission=VIEW,
)
def upload_attachments(petition_id: int):
    petition = queries.petition_or_404(petition_id)
    actor = current_actor()
    if not attachments.may_upload(actor):
        abort(403)
    uploads = request.files.getlist("files")
    if not any((u.filename or "").strip() for u in uploads):
        raise ValidationError({"files": [_("请选择要上传的文件。")]})
    return attachments.attach(petition, uploads, actor)


@api_route(
    bp,
    "/export",
    summary="导出信访台账（.xlsx 或 format=csv，筛选同列表；无查看身份权限时检举人身份不导出；超过一页时转为后台导出，答 202 与进度）",
    query=PetitionExportQuery,
    raw_response=MIMETYPES["xlsx"],
    permission=VIEW,
)
def export_ledger(query: dict[str, Any]):
    # More rows than a page: a browser is sent to core's progress page, an API client
    # gets 202 and the run to poll (core.exportruns).
    return answer_export(ledger.EXPORT.name, request.args.to_dict())


# -- categories -------------------------------------------------------------------------


@api_route(
    bp,
    "/categories",
    summary="问题类别（树序，带层级与使用次数）",
    query=PetitionCategoryListQuery,
    response=PetitionCategoryOut,
    many=True,
    permission=VIEW,
)
def list_categories(query: dict[str, Any]):
    return categories.category_tree(include_inactive=query["include_inactive"])


@api_route(
    bp,
    "/categories",
    methods=["POST"],
    summary="新增问题类别",
    body=PetitionCategoryIn,
    response=PetitionCategoryOut,
    status=201,
    permission=MANAGE_CATEGORIES,
)
def create_category(body: dict[str, Any]):
    return taxonomy.create_category(body)


@api_route(
    bp,
    "/categories/<int:category_id>",
    methods=["PATCH"],
    summary="修改问题类别（改名、移到其他上级、排序、停用或启用）",
    body=PetitionCategoryIn(partial=True),
    response=PetitionCategoryOut,
    permission=MANAGE_CATEGORIES,
)
def update_category(category_id: int, body: dict[str, Any]):
    return taxonomy.update_category(categories.category_or_404(category_id), body)


@api_route(
    bp,
    "/categories/<int:category_id>",
    methods=["DELETE"],
    summary="删除未使用过的问题类别（已使用的只能停用：409）",
    permission=MANAGE_CATEGORIES,
)
def delete_category(category_id: int):
    taxonomy.delete_category(categories.category_or_404(category_id))
    return None
