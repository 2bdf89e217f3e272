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

from core.api.routes import api_route
from core.auth.users import current_actor
from plugins.petitions.api.blueprint import bp
from plugins.petitions.permissions import APPROVE, REGISTER, VIEW
from plugins.petitions.queries.petitions import LONGTERM, longterm_or_404, petition_or_404
from plugins.petitions.schemas.links import (
    EscalationOut,
    LinksOut,
    LongtermIn,
    LongtermOut,
    LongtermQuery,
    QueryCodeOut,
    ReasonIn,
    ReviewIn,
    TargetsOut,
)
from plugins.petitions.services import crosstenant, escalation, longterm, querycodes

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
    return LONGTERM.page(query)


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
    row = longterm_or_404(record_id)
    return longterm.update_record(row, body)


@api_route(
    bp,
    "/longterm/<int:record_id>/reviews",
    methods=["POST"],
    summary="记录定期研判（下次研判日期顺延一个周期）",
    body=ReviewIn,
    response=LongtermOut,
    permission=VIEW,
)
def longterm_review(record_id: int, body: dict[str, Any]):
    row = longterm_or_404(record_id)
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
