"""The fund's page (帮扶基金): the statement for a period, the latest postings, money
received (with its 批准文号) and reversals."""

from __future__ import annotations

from typing import Any

from flask import g, request, url_for
from flask_babel import gettext as _

from core.forms import as_typed, load_form
from core.money import yuan
from core.routing import require_permission
from plugins.assistance.models import Posting
from plugins.assistance.permissions import APPROVE, PAY, VIEW
from plugins.assistance.queries import fund as fund_queries
from plugins.assistance.queries import records
from plugins.assistance.schemas.forms import PeriodForm, ReceiptForm, form_of
from plugins.assistance.schemas.fund import ReversalIn
from plugins.assistance.services import fund as fund_service
from plugins.assistance.views.blueprint import act, attempt, bp, form_page, loaded


def _context(period: dict[str, Any]) -> dict[str, Any]:
    postings = records.latest(Posting, 100)
    return {
        "statement": fund_queries.statement(period.get("start"), period.get("end")),
        "postings": postings,
        "names": {a.id: _(a.name) for a in fund_queries.accounts().values()},
        "reversed_ids": {p.reverses_id for p in postings if p.reverses_id},
        "start": period.get("start"),
        "end": period.get("end"),
    }


def _period() -> tuple[dict[str, Any], dict[str, Any]]:
    period, errors = load_form(PeriodForm(), request.args.to_dict())
    return ({} if errors else period), errors


@bp.get("/fund")
def fund():
    require_permission(VIEW)
    period, errors = _period()
    return form_page("assistance/fund.html", lambda: _context(period), request.args, errors)


@bp.post("/fund/receipts")
def fund_receipt():
    require_permission(PAY)
    schema = ReceiptForm()
    data, errors = load_form(schema)
    if not errors:
        _posting, errors = attempt(lambda: _receive(data))
        if not errors:
            return act(
                lambda: _("已入账 %(amount)s 元", amount=yuan(data["amount_fen"])), url_for(".fund")
            )
    return form_page("assistance/fund.html", lambda: _context({}), as_typed(schema), errors)


def _receive(data: dict[str, Any]) -> Posting:
    approval = fund_service.approve(
        "receipt",
        data["amount_fen"],
        g.actor,
        document_no=data["document_no"],
        note=data.get("memo"),
    )
    return fund_service.receive(
        data["source"], data["amount_fen"], approval, g.actor, memo=data.get("memo")
    )


@bp.post("/fund/postings/<int:posting_id>/reversal")
def reverse_posting(posting_id: int):
    require_permission(APPROVE)
    require_permission(PAY)
    posting = records.posting_or_404(posting_id)

    def undo() -> str:
        data = loaded(form_of(ReversalIn))
        approval = fund_service.approve(
            "reversal",
            posting.amount_fen,
            g.actor,
            subject_id=posting.id,
            document_no=data["document_no"],
        )
        fund_service.reverse(posting, approval, g.actor, memo=data.get("memo"))
        return _(
            "已冲销凭证 %(voucher)s（%(amount)s 元）",
            voucher=posting.voucher_no,
            amount=yuan(posting.amount_fen),
        )

    return act(undo, url_for(".fund"))
