"""The fund's routes: accounts, the statement, postings, receipts and reversals. Every
movement names its approval (批准文号); a reversal is a new posting, never an edit."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from core.api.pagination import CursorQuery
from core.api.routes import api_route
from core.auth.users import current_actor
from core.workflow import TransitionForbidden
from plugins.assistance.api.blueprint import bp, page_of
from plugins.assistance.models import Posting
from plugins.assistance.permissions import APPROVE, PAY, VIEW
from plugins.assistance.queries import fund as fund_queries
from plugins.assistance.queries import records
from plugins.assistance.schemas.fund import (
    AccountOut,
    PeriodQuery,
    PostingOut,
    ReceiptIn,
    ReversalIn,
    StatementOut,
)
from plugins.assistance.services import fund


@api_route(
    bp,
    "/fund/accounts",
    summary="帮扶基金科目及余额（分）",
    response=AccountOut,
    many=True,
    permission=VIEW,
)
def fund_accounts():
    return list(fund.ensure_accounts().values())


@api_route(
    bp,
    "/fund/statement",
    summary="基金收支明细表：各科目期初、借方、贷方、期末（分），与记账凭证逐笔相符",
    query=PeriodQuery,
    response=StatementOut,
    permission=VIEW,
)
def fund_statement(query: dict[str, Any]):
    return fund_queries.statement(query.get("start"), query.get("end"))


@api_route(
    bp,
    "/fund/postings",
    summary="记账凭证（游标分页，新的在前）",
    query=CursorQuery,
    response=PostingOut,
    paginated=True,
    permission=VIEW,
)
def list_postings(query: dict[str, Any]):
    return page_of(select(Posting), Posting.id, query)


@api_route(
    bp,
    "/fund/receipts",
    methods=["POST"],
    summary="资金入账（留存党费、财政拨款、党员捐款、社会募集），须写明批准文号",
    body=ReceiptIn,
    response=PostingOut,
    status=201,
    permission=PAY,
)
def fund_receipt(body: dict[str, Any]):
    actor = current_actor()
    approval = fund.approve(
        "receipt", body["amount_fen"], actor, document_no=body["document_no"], note=body.get("memo")
    )
    return fund.receive(body["source"], body["amount_fen"], approval, actor, memo=body.get("memo"))


@api_route(
    bp,
    "/fund/postings/<int:posting_id>/reversal",
    methods=["POST"],
    summary="冲销一笔凭证（以反向凭证更正，原凭证不改不删）",
    body=ReversalIn,
    response=PostingOut,
    status=201,
    permission=APPROVE,
)
def reverse_posting(posting_id: int, body: dict[str, Any]):
    actor = current_actor()
    if not actor.can(PAY):
        raise TransitionForbidden(_("您没有资金记账的权限"))
    posting = records.posting_or_404(posting_id)
    approval = fund.approve(
        "reversal",
        posting.amount_fen,
        actor,
        subject_id=posting.id,
        document_no=body["document_no"],
    )
    return fund.reverse(posting, approval, actor, memo=body.get("memo"))
