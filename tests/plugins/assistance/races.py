"""How to bring each assistance record into any state of its workflow, and the money
actions that are not transitions — for the generated race test
(tests/core/test_workflow_races.py)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select

from core import clock
from core.db import db
from core.orgs.models import Member, OrgUnit
from plugins.assistance.models import (
    Campaign,
    CampaignTarget,
    Grant,
    HardshipRecord,
    Loan,
    Posting,
)
from plugins.assistance.queries.records import required_documents
from plugins.assistance.services import aid, visits
from plugins.assistance.services import fund as fund_service
from plugins.assistance.workflow import (
    CAMPAIGN_FLOW,
    GRANT_FLOW,
    LOAN_FLOW,
    RECORD_FLOW,
)
from tests.plugins.assistance.conftest import CHIEF_PERMISSIONS
from tests.race import MoneyAction, Scenarios, World


def _postings() -> int:
    return db.session.scalar(select(func.count(Posting.id)))


def _fund(world: World) -> None:
    """A branch to put members in, and 100,000 元 of general money."""
    db.session.add(OrgUnit(name="东村党支部", kind="branch"))
    approval = fund_service.approve(
        "receipt", 10_000_000, world.actor, document_no="县财〔2026〕1号"
    )
    fund_service.receive("fiscal", 10_000_000, approval, world.actor)
    db.session.flush()


def _member() -> Member:
    n = db.session.scalar(select(func.count(Member.id))) + 1
    branch = db.session.scalar(select(OrgUnit.id).where(OrgUnit.kind == "branch"))
    member = Member(
        name=f"王大山{n}",
        gender="male",
        id_number=f"33012219500101{n:03d}X",
        branch_id=branch,
        joined_on=date(1970, 7, 1),
    )
    db.session.add(member)
    db.session.flush()
    return member


def _record(world: World, state: str | None = None) -> HardshipRecord:
    """A record just applied for (through the workflow), or put straight into ``state``
    (the register's own moves are raced by the record scenarios)."""
    n = db.session.scalar(select(func.count(HardshipRecord.id))) + 1
    record = HardshipRecord(
        serial=f"KN-2026-{n:04d}",
        member_id=_member().id,
        applied_on=clock.today(),
        category="rural_low_income",
        level="special",
        causes=["illness"],
        household_income_fen=50_000,
        household_size=2,
        per_head_income_fen=25_000,
        documents=required_documents(),
    )
    db.session.add(record)
    RECORD_FLOW.start(record, world.actor)
    if state:
        record.state = state
    db.session.flush()
    return record


def _notice_over(record: HardshipRecord, _world: World) -> None:
    record.notice_ends_on = clock.today() - timedelta(days=1)


_NOTICED = ["branch_review", "publish_notice", _notice_over, "close_notice"]
_REGISTERED = [*_NOTICED, "approve", "file"]

RECORDS = Scenarios(
    workflow=RECORD_FLOW,
    model=HardshipRecord,
    permissions=CHIEF_PERMISSIONS,
    prepare=_fund,
    create=_record,
    paths={
        "applied": [],
        "branch_reviewed": ["branch_review"],
        "in_notice": ["branch_review", "publish_notice"],
        "noticed": _NOTICED,
        "approved": [*_NOTICED, "approve"],
        "registered": _REGISTERED,
        "under_review": [*_REGISTERED, "open_review"],
    },
    ready={"close_notice": _notice_over},
    data=lambda t, _w: {
        "file": {"filed_with_name": "县委组织部"},
        "change_level": {"level": "general"},
    }.get(t, {}),
)


def _grant(world: World) -> Grant:
    record = _record(world, "registered")
    return aid.apply_grant(
        {"record_id": record.id, "kind": "living", "amount_fen": 10_000, "reason": "生活困难"},
        world.actor,
    )


GRANTS = Scenarios(
    workflow=GRANT_FLOW,
    model=Grant,
    permissions=CHIEF_PERMISSIONS,
    prepare=_fund,
    postings=_postings,
    create=_grant,
    paths={
        "applied": [],
        "reviewed": ["review"],
        "approved": ["review", "approve"],
        "paid": ["review", "approve", "pay"],
    },
    data=lambda t, _w: {"sign_receipt": {"signed_by": "王大山"}}.get(t, {}),
)


def _loan(world: World) -> Loan:
    record = _record(world, "registered")
    return aid.apply_loan(
        {
            "record_id": record.id,
            "project": "养殖肉牛",
            "amount_fen": 240_000,
            "guarantor_kind": "branch",
            "guarantor_name": "东村党支部",
        },
        world.actor,
    )


def _repaid_in_full(loan: Loan, _world: World) -> None:
    # As a repayment would leave it, without the repayment settling it itself.
    loan.repaid_fen = loan.amount_fen


LOANS = Scenarios(
    workflow=LOAN_FLOW,
    model=Loan,
    permissions=CHIEF_PERMISSIONS,
    prepare=_fund,
    postings=_postings,
    create=_loan,
    paths={
        "applied": [],
        "assessed": ["assess"],
        "approved": ["assess", "approve"],
        "disbursed": ["assess", "approve", "disburse"],
    },
    ready={"settle": _repaid_in_full},
    data=lambda t, _w: {"assess": {"assessment": "圈舍已建成，饲料来源稳定"}}.get(t, {}),
)


def _campaign(world: World) -> Campaign:
    _record(world, "registered")
    return visits.create_campaign(
        {"name": "春节走访慰问", "levels": ["special"], "amounts_fen": {"special": 50_000}},
        world.actor,
    )


CAMPAIGNS = Scenarios(
    workflow=CAMPAIGN_FLOW,
    model=Campaign,
    permissions=CHIEF_PERMISSIONS,
    prepare=_fund,
    postings=_postings,
    create=_campaign,
    paths={"draft": [], "approved": ["approve"]},
    # Closing with targets not delivered needs the confirmation (issue 13).
    data=lambda t, _w: {"close": {"confirm_undelivered": True}}.get(t, {}),
)

SCENARIOS = [RECORDS, GRANTS, LOANS, CAMPAIGNS]


# -- Money actions that are not transitions -----------------------------------------------


def _target(world: World) -> int:
    campaign = CAMPAIGNS.reach("approved", world)
    return db.session.scalar(
        select(CampaignTarget.id).where(CampaignTarget.campaign_id == campaign.id)
    )


def _disbursed_loan(world: World) -> int:
    return LOANS.reach("disbursed", world).id


def _paid_grant_posting(world: World) -> int:
    grant = GRANTS.reach("paid", world)
    return db.session.scalar(select(Posting.id).where(Posting.voucher_no == grant.voucher_no))


def _reverse(posting: Posting, actor: Any) -> Posting:
    approval = fund_service.approve("reversal", posting.amount_fen, actor, subject_id=posting.id)
    return fund_service.reverse(posting, approval, actor)


MONEY_ACTIONS = [
    MoneyAction(
        name="deliver",
        model=CampaignTarget,
        permissions=CHIEF_PERMISSIONS,
        prepare=_fund,
        postings=_postings,
        build=_target,
        act=lambda target, actor: visits.deliver(target, "本人", actor),
        audit="assistance.delivered",
    ),
    MoneyAction(
        name="repay_everything_outstanding",
        model=Loan,
        permissions=CHIEF_PERMISSIONS,
        prepare=_fund,
        postings=_postings,
        build=_disbursed_loan,
        act=lambda loan, actor: aid.repay_loan(loan, loan.outstanding_fen, actor),
        audit="assistance.repayment",
    ),
    MoneyAction(
        name="reverse",
        model=Posting,
        permissions=CHIEF_PERMISSIONS,
        prepare=_fund,
        postings=_postings,
        build=_paid_grant_posting,
        act=_reverse,
        audit="",  # the ledger audits nothing of its own: the posting is the record
    ),
]
