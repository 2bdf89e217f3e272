"""The fund ledger: double entry in 分, approvals behind every posting, balances that
never go negative, the dues rule, immutable postings and statements that reconcile."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from core.db import db
from plugins.assistance.models import Posting
from plugins.assistance.queries import fund as fund_queries
from plugins.assistance.services import fund as fund_service
from plugins.assistance.services.fund import DuesRuleViolation, InsufficientFunds, LedgerError


def _approval(actor, amount=0, kind="grant"):
    return fund_service.approve(kind, amount, actor, document_no="部务会纪要")


def test_a_receipt_is_one_balanced_posting_with_its_approval(leader):
    approval = _approval(leader, 50_000, "receipt")
    posting = fund_service.receive("fiscal", 50_000, approval, leader)
    accounts = fund_queries.accounts()
    assert posting.approval_id == approval.id
    assert posting.voucher_no.startswith("PZ-")
    assert accounts["cash_general"].balance_fen == 50_000
    assert accounts["source_fiscal"].balance_fen == 50_000
    assert accounts["cash_dues"].balance_fen == 0


@pytest.mark.parametrize("amount", [0, -1, 1.5, 100.0, "100", True, None])
def test_amounts_are_positive_whole_fen(leader, amount):
    approval = _approval(leader, 0, "receipt")
    with pytest.raises(LedgerError, match="正整数"):
        fund_service.receive("fiscal", amount, approval, leader)
    assert db.session.scalar(select(func.count(Posting.id))) == 0


def test_spending_more_than_the_fund_holds_is_refused_and_changes_nothing(leader, fund):
    fund(10_000)
    with pytest.raises(InsufficientFunds, match="余额不足"):
        fund_service.spend("expense_living", 10_001, _approval(leader), leader)
    accounts = fund_queries.accounts()
    assert accounts["cash_general"].balance_fen == 10_000
    assert accounts["expense_living"].balance_fen == 0
    assert db.session.scalar(select(func.count(Posting.id))) == 1


def test_grants_use_dues_money_first_then_general_money(leader, fund):
    fund(3_000, source="dues")
    fund(10_000, source="fiscal")
    postings = fund_service.spend("expense_education", 5_000, _approval(leader), leader)
    assert [p.amount_fen for p in postings] == [3_000, 2_000]
    accounts = fund_queries.accounts()
    assert accounts["cash_dues"].balance_fen == 0
    assert accounts["cash_general"].balance_fen == 8_000
    assert accounts["expense_education"].balance_fen == 5_000


def test_dues_money_never_pays_a_loan(leader, fund):
    fund(100_000, source="dues")
    approval = _approval(leader, 50_000, "loan")
    with pytest.raises(DuesRuleViolation, match="党费"):
        fund_service.post("loans_receivable", "cash_dues", 50_000, approval, leader)
    # Nor through the loan path: it draws only on general money, which is empty.
    with pytest.raises(InsufficientFunds):
        fund_service.lend(50_000, approval, leader, record_id=None, memo="借款")
    assert fund_queries.accounts()["cash_dues"].balance_fen == 100_000
    assert fund_queries.accounts()["loans_receivable"].balance_fen == 0


def test_a_loan_and_its_repayment_go_through_general_money(leader, fund):
    fund(100_000)
    fund_service.lend(60_000, _approval(leader, 60_000, "loan"), leader, None, "借款")
    fund_service.repay(2_500, _approval(leader, 2_500, "repayment"), leader, None, "还款")
    accounts = fund_queries.accounts()
    assert accounts["cash_general"].balance_fen == 42_500
    assert accounts["loans_receivable"].balance_fen == 57_500


def test_a_posting_is_undone_by_a_reversal_once(leader, fund):
    fund(10_000)
    [paid] = fund_service.spend(
        "expense_medical", 4_000, _approval(leader), leader, funding="general"
    )
    reversal = fund_service.reverse(paid, _approval(leader, 4_000, "reversal"), leader)
    assert reversal.reverses_id == paid.id
    assert (reversal.debit_account_id, reversal.credit_account_id) == (
        paid.credit_account_id,
        paid.debit_account_id,
    )
    assert fund_queries.accounts()["cash_general"].balance_fen == 10_000
    with pytest.raises(LedgerError, match="已冲销"):
        fund_service.reverse(paid, _approval(leader), leader)
    with pytest.raises(LedgerError, match="不能再冲销"):
        fund_service.reverse(reversal, _approval(leader), leader)


def test_reversing_a_receipt_that_was_already_spent_is_refused(leader, fund):
    fund(10_000)
    receipt = db.session.scalar(select(Posting))
    fund_service.spend("expense_living", 9_000, _approval(leader), leader)
    with pytest.raises(InsufficientFunds):
        fund_service.reverse(receipt, _approval(leader), leader)


def test_postings_cannot_be_edited_or_deleted(leader, fund):
    fund(10_000)
    posting = db.session.scalar(select(Posting))
    posting.amount_fen = 1
    with pytest.raises(Exception, match="immutable"):
        db.session.flush()
    db.session.rollback()


def test_every_posting_needs_an_approval(leader, fund):
    fund(10_000)
    with pytest.raises(LedgerError, match="审批"):
        fund_service.post("expense_living", "cash_general", 100, None, leader)


def test_statement_by_period_reconciles(leader, fund, set_today):
    set_today(date(2026, 1, 10))
    fund(100_000, source="dues")
    fund(200_000, source="fiscal")
    set_today(date(2026, 2, 10))
    fund_service.spend("expense_holiday_visit", 150_000, _approval(leader), leader)
    fund_service.lend(50_000, _approval(leader, 50_000, "loan"), leader, None, "借款")
    set_today(date(2026, 3, 10))
    fund_service.repay(10_000, _approval(leader, 10_000, "repayment"), leader, None, "还款")

    february = fund_queries.statement(date(2026, 2, 1), date(2026, 2, 28))
    assert february.line("cash_dues").opening_fen == 100_000
    assert february.line("cash_dues").closing_fen == 0
    assert february.line("cash_general").closing_fen == 200_000 - 50_000 - 50_000
    assert february.line("expense_holiday_visit").increase_fen == 150_000
    assert february.lent_fen == 50_000 and february.repayments_fen == 0
    assert february.fund_balance_fen == 100_000

    whole = fund_queries.statement()
    for line in whole.lines:
        assert line.closing_fen == line.balance_fen
    assert whole.fund_balance_fen == 110_000
    assert whole.repayments_fen == 10_000
    assert sum(x.increase_fen for x in whole.income_lines) == 300_000
