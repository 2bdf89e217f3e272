"""The routes of relief grants and revolving loans: lists, one record, an application,
repayments and project notes. Their workflow moves are in :mod:`.moves`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from core.api.pagination import CursorQuery
from core.api.routes import api_route
from core.auth.users import current_actor
from plugins.assistance.api.blueprint import bp, page_of
from plugins.assistance.models import Grant, Loan
from plugins.assistance.permissions import PAY, REGISTER, VIEW
from plugins.assistance.queries import records
from plugins.assistance.schemas.aid import (
    GrantIn,
    GrantOut,
    LoanIn,
    LoanOut,
    NoteIn,
    NoteOut,
    RepaymentIn,
)
from plugins.assistance.services import aid


@api_route(
    bp,
    "/grants",
    summary="救助申请列表",
    query=CursorQuery,
    response=GrantOut,
    paginated=True,
    permission=VIEW,
)
def list_grants(query: dict[str, Any]):
    return page_of(select(Grant), Grant.id, query)


@api_route(
    bp,
    "/grants",
    methods=["POST"],
    summary="申请救助",
    body=GrantIn,
    response=GrantOut,
    status=201,
    permission=REGISTER,
)
def create_grant(body: dict[str, Any]):
    return aid.apply_grant(body, current_actor())


@api_route(bp, "/grants/<int:grant_id>", summary="救助详情", response=GrantOut, permission=VIEW)
def get_grant(grant_id: int):
    return records.grant_or_404(grant_id)


# -- Loans ----------------------------------------------------------------------------------


@api_route(
    bp,
    "/loans",
    summary="借款列表",
    query=CursorQuery,
    response=LoanOut,
    paginated=True,
    permission=VIEW,
)
def list_loans(query: dict[str, Any]):
    return page_of(select(Loan), Loan.id, query)


@api_route(
    bp,
    "/loans",
    methods=["POST"],
    summary="申请借款（项目、担保）",
    body=LoanIn,
    response=LoanOut,
    status=201,
    permission=REGISTER,
)
def create_loan(body: dict[str, Any]):
    return aid.apply_loan(body, current_actor())


@api_route(
    bp, "/loans/<int:loan_id>", summary="借款详情及还款计划", response=LoanOut, permission=VIEW
)
def get_loan(loan_id: int):
    return records.loan_or_404(loan_id)


@api_route(
    bp,
    "/loans/<int:loan_id>/repayments",
    methods=["POST"],
    summary="还款（可提前还清；回流基金）",
    body=RepaymentIn,
    response=LoanOut,
    status=201,
    permission=PAY,
)
def repay_loan(loan_id: int, body: dict[str, Any]):
    return aid.repay_loan(records.loan_or_404(loan_id), body["amount_fen"], current_actor())


@api_route(
    bp,
    "/loans/<int:loan_id>/notes",
    methods=["POST"],
    summary="记录项目进展",
    body=NoteIn,
    response=NoteOut,
    status=201,
    permission=REGISTER,
)
def loan_note(loan_id: int, body: dict[str, Any]):
    return aid.add_loan_note(records.loan_or_404(loan_id), body["content"], current_actor())
