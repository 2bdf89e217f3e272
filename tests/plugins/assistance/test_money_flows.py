"""Relief grants with approval limits, revolving loans (schedule to the 分, quota,
repayments, arrears, early repayment, write-off), pairing help and visit campaigns —
each paid through the ledger, each reconciling with it."""

from __future__ import annotations

from datetime import date

import pytest
from marshmallow import ValidationError
from sqlalchemy import func, select

from core.db import db
from core.workflow import IllegalTransition, TransitionForbidden
from plugins.assistance import jobs
from plugins.assistance.models import HardshipRecord, Instalment, Posting
from plugins.assistance.queries import fund as fund_queries
from plugins.assistance.queries import records
from plugins.assistance.services import aid, visits
from plugins.assistance.services.fund import InsufficientFunds
from plugins.assistance.services.moves import schedule
from plugins.assistance.workflow import (
    CAMPAIGN_FLOW,
    GRANT_FLOW,
    LOAN_FLOW,
)

TODAY = date(2026, 3, 2)


@pytest.fixture(autouse=True)
def _today(set_today):
    set_today(TODAY)


@pytest.fixture
def on_register(new_member):
    """A member already on the register (the identification is tested elsewhere)."""

    def make(level="special", category="rural_low_income") -> HardshipRecord:
        record = HardshipRecord(
            serial=f"KN-2026-{db.session.scalar(select(func.count(HardshipRecord.id))) + 1:04d}",
            member_id=new_member().id,
            applied_on=TODAY,
            category=category,
            level=level,
            causes=["illness"],
            household_income_fen=50_000,
            household_size=2,
            per_head_income_fen=25_000,
            state="registered",
        )
        db.session.add(record)
        db.session.flush()
        return record

    return make


def _grant(record, clerk, amount=100_000, kind="education"):
    return aid.apply_grant(
        {"record_id": record.id, "kind": kind, "amount_fen": amount, "reason": "子女考入大学"},
        clerk,
    )


# -- Grants -------------------------------------------------------------------------------


def test_grant_from_application_to_signed_receipt(on_register, clerk, leader, fund):
    fund(500_000, source="dues")
    grant = _grant(on_register(), clerk)
    GRANT_FLOW.fire(grant, "review", clerk)
    GRANT_FLOW.fire(grant, "approve", leader, data={"document_no": "部务会〔2026〕3号"})
    GRANT_FLOW.fire(grant, "pay", leader)
    assert grant.voucher_no.startswith("PZ-2026-")
    posting = db.session.scalar(select(Posting).where(Posting.voucher_no == grant.voucher_no))
    assert posting.approval_id == grant.approval_id
    assert posting.record_id == grant.record_id
    with pytest.raises(IllegalTransition, match="签收人"):
        GRANT_FLOW.fire(grant, "sign_receipt", clerk)
    GRANT_FLOW.fire(grant, "sign_receipt", clerk, data={"signed_by": "王大山"})
    assert (grant.state, grant.receipt_signed_by) == ("receipted", "王大山")
    assert fund_queries.accounts()["expense_education"].balance_fen == 100_000
    assert fund_queries.accounts()["cash_dues"].balance_fen == 400_000


def test_grant_above_the_approver_limit_needs_the_committee(on_register, clerk, leader, chief):
    grant = _grant(on_register(), clerk, amount=200_001)
    GRANT_FLOW.fire(grant, "review", clerk)
    with pytest.raises(IllegalTransition, match="超过您的审批限额 2,000.00 元"):
        GRANT_FLOW.fire(grant, "approve", leader)
    GRANT_FLOW.fire(grant, "approve", chief)
    assert grant.state == "approved"


def test_a_grant_the_fund_cannot_pay_is_refused(on_register, clerk, leader, fund):
    fund(50_000)
    grant = _grant(on_register(), clerk)
    GRANT_FLOW.fire(grant, "review", clerk)
    GRANT_FLOW.fire(grant, "approve", leader)
    with pytest.raises(InsufficientFunds):
        GRANT_FLOW.fire(grant, "pay", leader)


@pytest.mark.parametrize("amount", [0, -100, 99.5, "100", 10**12])
def test_grant_amounts_are_whole_positive_fen(on_register, clerk, amount):
    with pytest.raises(ValidationError):
        _grant(on_register(), clerk, amount=amount)


def test_grants_only_for_members_on_the_register(on_register, clerk):
    record = on_register()
    record.state = "exited"
    with pytest.raises(ValidationError, match="不在困难党员台账内"):
        _grant(record, clerk)


# -- Loans --------------------------------------------------------------------------------


def test_schedule_is_exact_to_the_fen_with_the_remainder_last(app_context):
    rows = schedule(1_000_001, 24, date(2026, 1, 31))
    assert [a for _, _, a in rows[:-1]] == [41_666] * 23
    assert rows[-1][2] == 1_000_001 - 41_666 * 23
    assert sum(a for _, _, a in rows) == 1_000_001
    # 2026-02-28 is a Saturday, but a make-up working day after the Spring Festival.
    assert [d for _, d, _ in rows[:3]] == [date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30)]
    assert rows[-1][1] == date(2028, 1, 31)


def test_an_instalment_due_in_a_holiday_falls_due_on_the_next_working_day(app_context):
    # Monthly from 1 August 2026: 1 October is National Day (the holiday runs to the 7th),
    # 1 November a Sunday.
    rows = schedule(300_000, 3, date(2026, 8, 1))
    assert [d for _, d, _ in rows] == [date(2026, 9, 1), date(2026, 10, 8), date(2026, 11, 2)]


def _loan(record, clerk, leader, amount=500_000):
    loan = aid.apply_loan(
        {
            "record_id": record.id,
            "project": "养殖肉牛 5 头",
            "amount_fen": amount,
            "guarantor_kind": "branch",
            "guarantor_name": "东村党支部",
        },
        clerk,
    )
    LOAN_FLOW.fire(loan, "assess", clerk, data={"assessment": "圈舍已建，技术可靠"})
    LOAN_FLOW.fire(loan, "approve", leader)
    return loan


def test_loan_disbursed_repaid_by_schedule_and_settled(on_register, clerk, leader, fund, set_today):
    fund(1_000_000, source="fiscal")
    loan = _loan(on_register(), clerk, leader)
    assert loan.term_months == 24
    LOAN_FLOW.fire(loan, "disburse", leader)
    plan = records.instalments(loan)
    assert len(plan) == 24 and sum(i.amount_fen for i in plan) == 500_000
    assert plan[0].amount_fen == 20_833 and plan[-1].amount_fen == 500_000 - 20_833 * 23
    assert fund_queries.accounts()["loans_receivable"].balance_fen == 500_000

    aid.repay_loan(loan, 20_833, leader)
    assert records.instalments(loan)[0].paid_fen == 20_833
    aid.add_loan_note(loan, "已出栏 2 头", clerk)
    # Early repayment of everything outstanding settles the loan.
    aid.repay_loan(loan, loan.outstanding_fen, leader)
    assert loan.state == "repaid"
    assert all(i.paid_fen == i.amount_fen for i in records.instalments(loan))
    accounts = fund_queries.accounts()
    assert accounts["loans_receivable"].balance_fen == 0
    assert accounts["cash_general"].balance_fen == 1_000_000
    with pytest.raises(IllegalTransition, match="不在还款期"):
        aid.repay_loan(loan, 1, leader)


def test_overpaying_a_loan_is_refused(on_register, clerk, leader, fund):
    fund(1_000_000)
    loan = _loan(on_register(), clerk, leader, amount=100_000)
    LOAN_FLOW.fire(loan, "disburse", leader)
    with pytest.raises(ValidationError, match="超过未还本金"):
        aid.repay_loan(loan, 100_001, leader)
    assert loan.repaid_fen == 0


def test_loans_cannot_be_paid_with_dues_money(on_register, clerk, leader, fund):
    fund(1_000_000, source="dues")
    loan = _loan(on_register(), clerk, leader)
    with pytest.raises(InsufficientFunds):
        LOAN_FLOW.fire(loan, "disburse", leader)


def test_the_annual_borrower_quota(on_register, clerk, leader, app_context):
    from core.plugins.enablement import update_settings
    from core.tenancy.models import Tenant
    from core.tenancy.scope import current_tenant_id

    update_settings(
        db.session.get(Tenant, current_tenant_id()), "assistance", {"annual_borrower_quota": 1}
    )
    first = _loan(on_register(), clerk, leader)
    assert first.quota_year == 2026
    second = aid.apply_loan(
        {
            "record_id": on_register().id,
            "project": "种植",
            "amount_fen": 100_000,
            "guarantor_kind": "township",
            "guarantor_name": "某镇",
        },
        clerk,
    )
    LOAN_FLOW.fire(second, "assess", clerk, data={"assessment": "可行"})
    with pytest.raises(IllegalTransition, match="上限 1 户"):
        LOAN_FLOW.fire(second, "approve", leader)


def _platform_arrears(app) -> tuple[dict, int]:
    from core.jobs.dispatch import JobCall
    from core.jobs.runner import run
    from tests.perf.statements import counting

    call = JobCall("plugins.assistance.jobs:scan_all_arrears", None, "assistance", None)
    with counting(db.engine) as statements:
        result = run(app, call)
    return result, len(statements)


def test_the_platform_job_marks_arrears_of_every_tenant_in_as_many_statements(
    app, on_register, clerk, leader, fund, factory, set_today
):
    """Issue 14: one run for all tenants that enable assistance; each tenant's count in
    its own audit log; as many statements for twenty tenants as for two."""
    from core.audit.models import AuditEntry

    fund(1_000_000)
    loan = _loan(on_register(), clerk, leader, amount=240_000)
    LOAN_FLOW.fire(loan, "disburse", leader)
    db.session.commit()
    factory.tenant("neighbour0", plugins=["assistance"])
    set_today(date(2026, 5, 3))
    first, two = _platform_arrears(app)
    assert first["marked"] == 1 and first["tenants"] >= 2
    for i in range(1, 19):
        factory.tenant(f"neighbour{i}", plugins=["assistance"])
    set_today(date(2026, 5, 7))
    second, twenty = _platform_arrears(app)
    assert second == {"tenants": first["tenants"] + 18, "marked": 1}
    assert twenty == two
    counts = db.session.scalars(
        select(AuditEntry.detail)
        .where(AuditEntry.action == "assistance.arrears_marked")
        .order_by(AuditEntry.seq)
    ).all()
    assert counts == [{"count": 1}, {"count": 1}]  # in the county's own log


def test_arrears_are_found_by_the_scan_and_cleared_by_payment(
    on_register, clerk, leader, fund, set_today
):
    fund(1_000_000)
    loan = _loan(on_register(), clerk, leader, amount=240_000)
    LOAN_FLOW.fire(loan, "disburse", leader)
    set_today(date(2026, 4, 2))
    assert jobs.scan_arrears() == 0  # due today, not yet late
    set_today(date(2026, 5, 3))
    # The second instalment's day (2 May) is in the May Day holiday: it falls due on the
    # first working day after it, so on 3 May only the first is in arrears.
    assert jobs.scan_arrears() == 1
    set_today(date(2026, 5, 7))
    assert jobs.scan_arrears() == 1
    assert jobs.scan_arrears() == 0
    overdue = db.session.scalars(
        select(Instalment.seq).where(Instalment.overdue_since.isnot(None)).order_by(Instalment.seq)
    ).all()
    assert overdue == [1, 2]
    aid.repay_loan(loan, 15_000, leader)
    db.session.flush()
    overdue = db.session.scalars(
        select(Instalment.seq).where(Instalment.overdue_since.isnot(None)).order_by(Instalment.seq)
    ).all()
    assert overdue == [2]


def test_write_off_needs_committee_approval_and_posts_the_loss(
    on_register, clerk, leader, chief, fund
):
    fund(1_000_000)
    loan = _loan(on_register(), clerk, leader, amount=300_000)
    LOAN_FLOW.fire(loan, "disburse", leader)
    aid.repay_loan(loan, 100_000, leader)
    with pytest.raises(TransitionForbidden):
        LOAN_FLOW.fire(loan, "write_off", leader, comment="借款人去世")
    LOAN_FLOW.fire(loan, "write_off", chief, comment="借款人因病去世，无力偿还")
    assert (loan.state, loan.written_off_fen, loan.outstanding_fen) == ("written_off", 200_000, 0)
    accounts = fund_queries.accounts()
    assert accounts["expense_writeoff"].balance_fen == 200_000
    assert accounts["loans_receivable"].balance_fen == 0


# -- Pairing and campaigns ----------------------------------------------------------------


def test_pairing_with_several_cadres_and_help_through_the_ledger(on_register, leader, fund):
    fund(100_000)
    record = on_register()
    first = visits.create_pairing(
        {
            "record_id": record.id,
            "cadre_name": "张部长",
            "goal": "年内脱困",
            "measures": "技术指导",
            "starts_on": date(2026, 1, 1),
            "ends_on": date(2026, 12, 31),
        },
        leader,
    )
    visits.create_pairing(
        {
            "record_id": record.id,
            "cadre_name": "李科长",
            "goal": "年内脱困",
            "measures": "联系就业",
            "starts_on": date(2026, 1, 1),
            "ends_on": date(2026, 12, 31),
        },
        leader,
    )
    entry = visits.log_pairing(
        first, {"content": "上门走访，送慰问金", "amount_fen": 50_000}, leader
    )
    assert entry.posting_id is not None
    assert fund_queries.accounts()["expense_pairing"].balance_fen == 50_000
    with pytest.raises(ValidationError, match="结束日期"):
        visits.create_pairing(
            {
                "record_id": record.id,
                "cadre_name": "王",
                "goal": "g",
                "measures": "m",
                "starts_on": date(2026, 5, 1),
                "ends_on": date(2026, 4, 1),
            },
            leader,
        )


def test_spring_festival_campaign_selects_pays_and_reconciles(on_register, clerk, leader, fund):
    fund(300_000, source="dues")
    fund(300_000, source="fiscal")
    special = [on_register("special") for _ in range(2)]
    general = on_register("general")
    on_register("relatively")
    on_register("special", category="urban_dibao")
    campaign = visits.create_campaign(
        {
            "name": "2026年春节走访慰问",
            "levels": ["special", "general"],
            "categories": ["rural_low_income"],
            "amounts_fen": {"special": 100_000, "general": 50_000},
        },
        clerk,
    )
    from plugins.assistance.models import CampaignTarget

    targets = db.session.scalars(
        select(CampaignTarget).where(CampaignTarget.campaign_id == campaign.id)
    ).all()
    assert sorted(t.record_id for t in targets) == sorted([r.id for r in special] + [general.id])
    with pytest.raises(IllegalTransition, match="未审批"):
        visits.deliver(targets[0], "王大山", leader)
    CAMPAIGN_FLOW.fire(campaign, "approve", leader)
    for target in targets:
        visits.deliver(target, "本人", leader)
    totals = records.campaign_totals(campaign)
    assert totals == {
        "planned_fen": 250_000,
        "delivered_fen": 250_000,
        "posted_fen": 250_000,
        "undelivered": 0,
    }
    assert fund_queries.accounts()["expense_campaign"].balance_fen == 250_000
    with pytest.raises(IllegalTransition, match="已发放"):
        visits.deliver(targets[0], "本人", leader)
