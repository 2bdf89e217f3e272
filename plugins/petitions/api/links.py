"""API of the back office: cross-tenant links, long-term petitioners, escalation.

Under ``/api/v1/t/<tenant>/petitions``. The cross-tenant moves themselves (转送, 交办,
复查/复核, their answers and 审核报结) are the generated ``…/transitions/<move>`` routes
of :mod:`plugins.petitions.api.petitions`; here are their targets and the links they leave. Another tenant's petition (including the
original of a copy) answers 404; workflow refusals answer 409 (403 without the
permission); bad input 422.
"""

from __future__ import annotations

from typing import Any

from flask import abort, g
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from core.api.pagination import CursorQuery, keyset_page
from core.api.routes import api_route
from core.auth.users import current_actor
from core.db import MAX_DB_ID
from plugins.petitions import crosstenant, escalation, longterm, querycodes
from plugins.petitions.api.blueprint import bp
from plugins.petitions.models import LongtermPetitioner
from plugins.petitions.permissions import APPROVE, REGISTER, VIEW
from plugins.petitions.queries import petition_or_404
from plugins.petitions.schemas.links import QueryCodeOut


def _comment() -> Any:
    return fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))


# -- schemas ----------------------------------------------------------------------------------


class TenantRef(Schema):
    id = fields.Integer()
    name = fields.String()


class TargetsOut(Schema):
    forward = fields.List(fields.Nested(TenantRef), metadata={"description": "可转送的单位"})
    assign = fields.List(fields.Nested(TenantRef), metadata={"description": "可交办的下级单位"})


class LinksOut(Schema):
    id = fields.Integer()
    serial = fields.String()
    state = fields.String()
    target_name = fields.String(allow_none=True)
    target_tenant_id = fields.Integer(allow_none=True)
    target_petition_id = fields.Integer(allow_none=True)
    report_back_due = fields.Date(allow_none=True)
    reported_back_on = fields.Date(allow_none=True)
    report_outcome = fields.String(allow_none=True)
    report_text = fields.String(allow_none=True)
    source_tenant_id = fields.Integer(allow_none=True)
    source_petition_id = fields.Integer(allow_none=True)
    case_type = fields.String(allow_none=True)
    review_tenant_id = fields.Integer(allow_none=True)
    review_case_id = fields.Integer(allow_none=True)
    review_answer = fields.String(allow_none=True)
    rereview_answer = fields.String(allow_none=True)
    current_due = fields.Date(allow_none=True)
    light = fields.String(allow_none=True)
    leader_flagged = fields.Boolean()
    escalated_at = fields.DateTime(allow_none=True)
    escalation_plugin = fields.String(allow_none=True)
    escalation_ref = fields.String(allow_none=True)
    escalation_title = fields.String(allow_none=True)
    escalation_url = fields.String(allow_none=True)


class ReasonIn(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=1000))


class EscalationOut(Schema):
    available = fields.Boolean(metadata={"description": "本单位启用了承接督办的模块"})
    eligible = fields.Boolean(metadata={"description": "此件现在可以升级督办"})
    refusal = fields.String(allow_none=True)
    petition = fields.Nested(LinksOut)


class LongtermOut(Schema):
    id = fields.Integer()
    key_type = fields.String()
    masked_key = fields.Method("_masked", metadata={"description": "证件号或电话（脱敏）"})
    name = fields.String(allow_none=True)
    reason = fields.String()
    petition_count = fields.Integer()
    first_received_on = fields.Date(allow_none=True)
    last_received_on = fields.Date(allow_none=True)
    flagged_on = fields.Date()
    leader_user_id = fields.Integer(allow_none=True)
    review_months = fields.Integer()
    next_review_on = fields.Date(allow_none=True)
    last_reviewed_on = fields.Date(allow_none=True)
    last_review_note = fields.String(allow_none=True)
    light = fields.String(allow_none=True)
    is_active = fields.Boolean()

    def _masked(self, row: LongtermPetitioner) -> str:
        value = row.key_value or ""
        if len(value) <= 7:
            return "*" * len(value)
        return value[:3] + "*" * (len(value) - 7) + value[-4:]


class LongtermQuery(CursorQuery):
    include_inactive = fields.Boolean(load_default=False)
    mine = fields.Boolean(load_default=False, metadata={"description": "只看本人包案的"})


class LongtermIn(Schema):
    leader_user_id = fields.Integer(
        allow_none=True, strict=True, validate=validate.Range(min=1, max=MAX_DB_ID)
    )
    review_months = fields.Integer(strict=True, validate=validate.Range(min=1, max=12))
    is_active = fields.Boolean()


class ReviewIn(Schema):
    note = fields.String(required=True, validate=validate.Length(min=1, max=5000))


# -- cross-tenant links -------------------------------------------------------------------------


@api_route(bp, "/targets", summary="可转送、可交办的单位", response=TargetsOut, permission=VIEW)
def targets():
    return {
        "forward": crosstenant.forward_targets(g.tenant),
        "assign": crosstenant.assign_targets(g.tenant),
    }


@api_route(
    bp,
    "/<int:petition_id>/links",
    summary="信访件的转送、交办、复查复核关联与督办情况",
    response=LinksOut,
    permission=VIEW,
)
def links(petition_id: int):
    return petition_or_404(petition_id)


# -- escalation -------------------------------------------------------------------------------


def _escalation_or_404() -> None:
    if not escalation.available(g.tenant):
        abort(404)


@api_route(
    bp,
    "/<int:petition_id>/escalation",
    summary="能否升级督办（无承接模块时 404）",
    response=EscalationOut,
    permission=VIEW,
)
def escalation_state(petition_id: int):
    _escalation_or_404()
    petition = petition_or_404(petition_id)
    why_not = escalation.refusal(petition)
    return {
        "available": True,
        "eligible": why_not is None and current_actor().can(APPROVE),
        "refusal": why_not,
        "petition": petition,
    }


@api_route(
    bp,
    "/<int:petition_id>/escalate",
    methods=["POST"],
    summary="升级督办（逾期或领导批示的信访件）",
    body=ReasonIn,
    response=LinksOut,
    permission=VIEW,
)
def escalate(petition_id: int, body: dict[str, Any]):
    _escalation_or_404()
    petition = petition_or_404(petition_id)
    escalation.escalate(petition, current_actor(), body["reason"].strip())
    return petition


@api_route(
    bp,
    "/<int:petition_id>/flag",
    methods=["POST"],
    summary="标记领导批示督办",
    body=ReasonIn,
    response=LinksOut,
    permission=VIEW,
)
def flag(petition_id: int, body: dict[str, Any]):
    petition = petition_or_404(petition_id)
    escalation.flag(petition, current_actor(), body["reason"].strip())
    return petition


# -- long-term petitioners ----------------------------------------------------------------------


@api_route(
    bp,
    "/longterm",
    summary="信访老户（游标分页）",
    query=LongtermQuery,
    response=LongtermOut,
    paginated=True,
    permission=VIEW,
)
def longterm_list(query: dict[str, Any]):
    statement = select(LongtermPetitioner)
    if not query["include_inactive"]:
        statement = statement.where(LongtermPetitioner.is_active)
    if query["mine"]:
        statement = statement.where(LongtermPetitioner.leader_user_id == current_actor().user_id)
    return keyset_page(
        statement, [LongtermPetitioner.id], cursor=query.get("cursor"), limit=query["limit"]
    )


@api_route(
    bp,
    "/longterm/<int:record_id>",
    methods=["PATCH"],
    summary="指定包案领导、复核周期，或化解销号",
    body=LongtermIn(partial=True),
    response=LongtermOut,
    permission=APPROVE,
)
def longterm_update(record_id: int, body: dict[str, Any]):
    row = longterm.record_or_404(record_id)
    return longterm.update_record(row, body)


@api_route(
    bp,
    "/longterm/<int:record_id>/reviews",
    methods=["POST"],
    summary="记录定期复核（下次复核日期顺延一个周期）",
    body=ReviewIn,
    response=LongtermOut,
    permission=VIEW,
)
def longterm_review(record_id: int, body: dict[str, Any]):
    row = longterm.record_or_404(record_id)
    return longterm.record_review(row, current_actor(), body["note"].strip())


# -- query codes ------------------------------------------------------------------------


@api_route(
    bp,
    "/<int:petition_id>/query-code",
    methods=["POST"],
    summary="为信访人生成新的网上查询码（原查询码作废；仅开放网上信访的单位）",
    response=QueryCodeOut,
    permission=REGISTER,
)
def api_query_code(petition_id: int):
    petition = petition_or_404(petition_id)
    if not querycodes.portal_open(g.tenant):
        abort(404)
    return querycodes.issue_for_petitioner(petition, g.tenant)
