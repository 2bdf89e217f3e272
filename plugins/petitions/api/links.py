"""API of the back office: cross-tenant moves, long-term petitioners, escalation.

Under ``/api/v1/t/<tenant>/petitions``. Another tenant's petition (including the
original of a copy) answers 404; workflow refusals answer 409 (403 without the
permission); bad input 422.
"""

from __future__ import annotations

from typing import Any

from flask import abort, g
from flask_babel import gettext as _
from marshmallow import Schema, ValidationError, fields, validate, validates_schema
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


class ForwardIn(Schema):
    target_tenant_id = fields.Integer(
        load_default=None,
        allow_none=True,
        strict=True,
        validate=validate.Range(min=1, max=MAX_DB_ID),
        metadata={"description": "本平台的接收单位；不填则须填写 target_name"},
    )
    target_name = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=100)
    )
    include_identity = fields.Boolean(load_default=False)
    comment = _comment()

    @validates_schema
    def _one_target(self, data: dict[str, Any], **_kw: Any) -> None:
        if data.get("target_tenant_id") is None and not (data.get("target_name") or "").strip():
            raise ValidationError(_("须选择接收单位或填写接收单位名称"), "target_name")


class AssignIn(Schema):
    target_tenant_id = fields.Integer(
        required=True, strict=True, validate=validate.Range(min=1, max=MAX_DB_ID)
    )
    report_back_due = fields.Date(required=True)
    include_identity = fields.Boolean(load_default=False)
    comment = _comment()


class ReviewRequestIn(Schema):
    comment = _comment()
    include_identity = fields.Boolean(load_default=False)


class AnswerIn(Schema):
    answer = fields.String(required=True, validate=validate.Length(min=1, max=5000))


class CommentIn(Schema):
    comment = _comment()


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


# -- cross-tenant moves -------------------------------------------------------------------------


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


@api_route(
    bp,
    "/<int:petition_id>/forward",
    methods=["POST"],
    summary="转送（本平台单位则在对方生成信访件）",
    body=ForwardIn,
    response=LinksOut,
    permission=VIEW,
)
def forward(petition_id: int, body: dict[str, Any]):
    petition = petition_or_404(petition_id)
    crosstenant.forward(
        petition,
        current_actor(),
        target_tenant_id=body["target_tenant_id"],
        target_name=(body.get("target_name") or "").strip() or None,
        include_identity=body["include_identity"],
        comment=body["comment"],
    )
    return petition


@api_route(
    bp,
    "/<int:petition_id>/assign",
    methods=["POST"],
    summary="交办给下级单位（限期报结）",
    body=AssignIn,
    response=LinksOut,
    permission=VIEW,
)
def assign(petition_id: int, body: dict[str, Any]):
    petition = petition_or_404(petition_id)
    crosstenant.assign(
        petition,
        current_actor(),
        target_tenant_id=body["target_tenant_id"],
        report_back_due=body["report_back_due"],
        include_identity=body["include_identity"],
        comment=body["comment"],
    )
    return petition


@api_route(
    bp,
    "/<int:petition_id>/review-request",
    methods=["POST"],
    summary="申请复查（已办结）或复核（已复查）：在上级单位生成复查复核件",
    body=ReviewRequestIn,
    response=LinksOut,
    permission=VIEW,
)
def review_request(petition_id: int, body: dict[str, Any]):
    petition = petition_or_404(petition_id)
    crosstenant.request_review(
        petition,
        current_actor(),
        comment=body["comment"],
        include_identity=body["include_identity"],
    )
    return petition


@api_route(
    bp,
    "/<int:petition_id>/case-answer",
    methods=["POST"],
    summary="上级作出复查或复核意见（回传原办理单位）",
    body=AnswerIn,
    response=LinksOut,
    permission=VIEW,
)
def case_answer(petition_id: int, body: dict[str, Any]):
    case = petition_or_404(petition_id)
    crosstenant.answer_case(case, current_actor(), body["answer"].strip())
    return case


@api_route(
    bp,
    "/<int:petition_id>/accept-report",
    methods=["POST"],
    summary="审核下级报结，终结交办件",
    body=CommentIn,
    response=LinksOut,
    permission=VIEW,
)
def accept_report(petition_id: int, body: dict[str, Any]):
    from plugins.petitions.workflow import PETITION_FLOW

    petition = petition_or_404(petition_id)
    PETITION_FLOW.fire(petition, "accept_report", current_actor(), comment=body["comment"])
    return petition


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
