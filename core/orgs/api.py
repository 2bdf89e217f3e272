"""API for org units and members.

Every route goes through ``api_route`` (validation, permission, OpenAPI). Another
tenant's ids are invisible to the scoped session and answer 404. Full ID numbers go
only to holders of ``core.view_identity``, and every response that carries them leaves
a ``member.identity_viewed`` audit entry.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import g, request
from flask_babel import gettext as _
from marshmallow import ValidationError

from core import clock
from core.api.problem import problem
from core.api.routes import api_route
from core.auth.users import current_actor
from core.exports import MIMETYPES, download_response
from core.import_schemas import ImportQuery, ImportResultOut
from core.imports import template_xlsx
from core.orgs import listing, members, spreadsheets, units
from core.orgs.fields import IDENTITY_PERMISSION
from core.orgs.models import Member
from core.orgs.schemas import (
    IMPORT_HEADERS,
    UNIT_IMPORT_HEADERS,
    IdentityOut,
    MemberExportQuery,
    MemberIn,
    MemberListQuery,
    MemberOut,
    OrgUnitIn,
    OrgUnitOut,
    UnitExportQuery,
    UnitListQuery,
)
from core.permissions import EDIT_MEMBERS as EDIT
from core.permissions import MANAGE_ORG
from core.permissions import VIEW_MEMBERS as VIEW
from core.routing import tenant_blueprint

bp = tenant_blueprint("orgs_api", __name__, kind="api", prefix="/orgs")


# -- org units --------------------------------------------------------------------------


@api_route(
    bp,
    "/units",
    summary="组织机构列表（树序：先上级后下级，带层级与党员数）",
    query=UnitListQuery,
    response=OrgUnitOut,
    many=True,
    permission=VIEW,
)
def list_units(query: dict[str, Any]):
    return units.unit_tree(include_inactive=query["include_inactive"])


@api_route(
    bp,
    "/units",
    methods=["POST"],
    summary="新建组织机构",
    body=OrgUnitIn,
    response=OrgUnitOut,
    status=201,
    permission=MANAGE_ORG,
)
def create_unit(body: dict[str, Any]):
    return units.create_unit(body)


@api_route(bp, "/units/<int:unit_id>", summary="组织机构详情", response=OrgUnitOut, permission=VIEW)
def get_unit(unit_id: int):
    return units.unit_or_404(unit_id)


@api_route(
    bp,
    "/units/<int:unit_id>",
    methods=["PATCH"],
    summary="修改组织机构（只改提交的字段）",
    body=OrgUnitIn(partial=True),
    response=OrgUnitOut,
    permission=MANAGE_ORG,
)
def update_unit(unit_id: int, body: dict[str, Any]):
    return units.update_unit(units.unit_or_404(unit_id), body)


@api_route(
    bp,
    "/units/<int:unit_id>",
    methods=["DELETE"],
    summary="撤销组织机构（有在册党员或下级组织时 409）",
    response=OrgUnitOut,
    permission=MANAGE_ORG,
)
def deactivate_unit(unit_id: int):
    return units.deactivate_unit(units.unit_or_404(unit_id))


# -- members ----------------------------------------------------------------------------


def _disclosed(shown: list[Member], via: str) -> None:
    """Holders of the identity permission get full numbers: audit that they did."""
    if current_actor().can(IDENTITY_PERMISSION):
        members.audit_identity_disclosure(shown, via)


@api_route(
    bp,
    "/members",
    summary="党员列表（游标分页，可筛选，按编号或姓名排序）",
    query=MemberListQuery,
    response=MemberOut,
    paginated=True,
    permission=VIEW,
)
def list_members(query: dict[str, Any]):
    page = listing.member_page(query)
    _disclosed(page.items, "api.list")
    return page


@api_route(
    bp,
    "/members",
    methods=["POST"],
    summary="登记党员",
    body=MemberIn,
    response=MemberOut,
    status=201,
    permission=EDIT,
)
def create_member(body: dict[str, Any]):
    return members.create_member(body)


@api_route(bp, "/members/<int:member_id>", summary="党员详情", response=MemberOut, permission=VIEW)
def get_member(member_id: int):
    member = members.member_or_404(member_id)
    _disclosed([member], "api.get")
    return member


@api_route(
    bp,
    "/members/<int:member_id>",
    methods=["PATCH"],
    summary="修改党员信息（只改提交的字段）",
    body=MemberIn(partial=True),
    response=MemberOut,
    permission=EDIT,
)
def update_member(member_id: int, body: dict[str, Any]):
    member = members.update_member(members.member_or_404(member_id), body)
    if "id_number" not in body:
        _disclosed([member], "api.update")
    return member


@api_route(
    bp,
    "/members/<int:member_id>",
    methods=["DELETE"],
    summary="党员出党、去世或转出：停用（记录保留）",
    response=MemberOut,
    permission=EDIT,
)
def deactivate_member(member_id: int):
    member = members.deactivate_member(members.member_or_404(member_id))
    _disclosed([member], "api.deactivate")
    return member


@api_route(
    bp,
    "/members/<int:member_id>/identity",
    methods=["POST"],
    summary="查看完整公民身份号码（每次记入审计）",
    response=IdentityOut,
    permission=IDENTITY_PERMISSION,
)
def member_identity(member_id: int):
    member = members.member_or_404(member_id)
    return {
        "id": member.id,
        "name": member.name,
        "id_number": members.reveal_identity(member, "api"),
    }


# -- export and import ------------------------------------------------------------------


def export_filename(fmt: str = "xlsx") -> str:
    return f"党员信息_{g.tenant.name}_{clock.today():%Y%m%d}.{fmt}"


@api_route(
    bp,
    "/members/export",
    summary="导出党员信息（.xlsx 或 format=csv；无 core.view_identity 时身份证号打码）",
    query=MemberExportQuery,
    raw_response=MIMETYPES["xlsx"],
    permission=VIEW,
)
def export_members(query: dict[str, Any]):
    full = current_actor().can(IDENTITY_PERMISSION)
    fmt = query.pop("format")
    data = spreadsheets.members_file(query, fmt=fmt, full_identity=full, tenant_name=g.tenant.name)
    return download_response(data, export_filename(fmt), fmt)


@api_route(
    bp,
    "/members/import-template",
    summary="下载党员信息导入模板（.xlsx）",
    raw_response=MIMETYPES["xlsx"],
    permission=EDIT,
)
def import_template():
    return download_response(template_xlsx(IMPORT_HEADERS), "党员信息导入模板.xlsx", "xlsx")


def _import_upload(importer: Callable[..., spreadsheets.ImportOutcome], valid_only: bool) -> Any:
    """The uploaded ``file`` through ``importer``: the report, or a 422 problem carrying
    it when nothing was written."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise ValidationError({"file": [_("请选择要导入的 .xlsx 文件。")]})
    outcome = importer(upload.stream, valid_only=valid_only)
    if outcome.rejected:
        return problem(422, _("导入文件未通过校验，未写入任何数据。"), **outcome.to_dict())
    return outcome.to_dict()


@api_route(
    bp,
    "/members/import",
    methods=["POST"],
    summary="导入党员信息（multipart 字段 file；逐行校验，默认全部通过才写入）",
    query=ImportQuery,
    response=ImportResultOut,
    permission=EDIT,
)
def import_members(query: dict[str, Any]):
    return _import_upload(spreadsheets.import_members, query["valid_only"])


# -- export and import of org units -----------------------------------------------------


@api_route(
    bp,
    "/units/export",
    summary="导出组织机构（.xlsx 或 format=csv，先上级后下级；可直接导入另一单位）",
    query=UnitExportQuery,
    raw_response=MIMETYPES["xlsx"],
    permission=VIEW,
)
def export_units(query: dict[str, Any]):
    fmt = query["format"]
    filename = f"组织机构_{g.tenant.name}_{clock.today():%Y%m%d}.{fmt}"
    return download_response(spreadsheets.units_file(query["include_inactive"], fmt), filename, fmt)


@api_route(
    bp,
    "/units/import-template",
    summary="下载组织机构导入模板（.xlsx）",
    raw_response=MIMETYPES["xlsx"],
    permission=MANAGE_ORG,
)
def unit_import_template():
    return download_response(template_xlsx(UNIT_IMPORT_HEADERS), "组织机构导入模板.xlsx", "xlsx")


@api_route(
    bp,
    "/units/import",
    methods=["POST"],
    summary="导入组织机构（multipart 字段 file；上级组织须已存在或写在前面的行；默认全部通过才写入）",
    query=ImportQuery,
    response=ImportResultOut,
    permission=MANAGE_ORG,
)
def import_units(query: dict[str, Any]):
    return _import_upload(spreadsheets.import_units, query["valid_only"])
