"""Issue 11, the three races found in production mode: eight identical requests at once
pay an approved grant once, deliver to a campaign target once and disburse a loan once;
the seven others answer 409 with a clear message, never 500.

Over HTTP, as they were found; every declared transition is raced at the service level
in tests/core/test_workflow_races.py."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from core.audit.models import AuditEntry
from core.db import db
from core.orgs.models import Member, OrgUnit
from core.tenancy.scope import tenant_scope
from core.workflow import StateChange
from plugins.assistance.models import (
    CampaignTarget,
    Grant,
    HardshipRecord,
    Instalment,
    Loan,
    Posting,
)
from plugins.assistance.queries import records
from plugins.assistance.services import aid, visits
from plugins.assistance.services import fund as fund_service
from plugins.assistance.workflow import CAMPAIGN_FLOW, GRANT_FLOW, LOAN_FLOW
from tests.factories import bearer
from tests.plugins.assistance.conftest import CHIEF_PERMISSIONS
from tests.race import CONTENDERS, actor_of, race, race_requests

API = "/api/v1/t/county/assistance"


@pytest.fixture
def county(pg_app, pg_factory):
    return _county(pg_app, pg_factory)


def _county(pg_app, pg_factory):
    """A county with 10,000 元 in the fund, one member on the register and a leader who
    may do everything (a token for the API, an actor for setting things up)."""
    pg_factory.tenant("city", plugins=["assistance"])
    tenant_id = pg_factory.tenant("county", parent="city", plugins=["assistance"])
    leader = pg_factory.user("county", "leader", roles=["admin", "assistance_leader"])
    with pg_app.app_context(), tenant_scope(tenant_id):
        actor = actor_of(leader.user_id, CHIEF_PERMISSIONS)
        unit = OrgUnit(name="东村党支部", kind="branch")
        db.session.add(unit)
        db.session.flush()
        member = Member(
            name="王大山",
            gender="male",
            id_number="33012219500101001X",
            branch_id=unit.id,
            joined_on=date(1970, 7, 1),
        )
        db.session.add(member)
        db.session.flush()
        record = HardshipRecord(
            serial="KN-2026-0001",
            member_id=member.id,
            applied_on=date(2026, 1, 5),
            category="rural_low_income",
            level="special",
            causes=["illness"],
            household_income_fen=50_000,
            household_size=2,
            per_head_income_fen=25_000,
            state="registered",
        )
        db.session.add(record)
        approval = fund_service.approve("receipt", 1_000_000, actor, document_no="县财〔2026〕1号")
        fund_service.receive("fiscal", 1_000_000, approval, actor)
        db.session.commit()
        return {
            "tenant_id": tenant_id,
            "record_id": record.id,
            "user_id": leader.user_id,
            # One client each, as eight browsers would be.
            "tokens": [pg_factory.token(leader) for _ in range(CONTENDERS)],
        }


def _setup(pg_app, county, build):
    with pg_app.app_context(), tenant_scope(county["tenant_id"]):
        actor = actor_of(county["user_id"], CHIEF_PERMISSIONS)
        record = db.session.get(HardshipRecord, county["record_id"])
        obj = build(record, actor)
        db.session.commit()
        return obj.id


def _count(pg_app, county, query):
    with pg_app.app_context(), tenant_scope(county["tenant_id"]):
        return db.session.scalar(query)


def _race_post(pg_app, county, url, body) -> list[str]:
    """Eight identical POSTs at once: one 200, seven 409s; the 409s' messages."""
    responses = race_requests(
        pg_app,
        lambda client, n: client.post(url, json=body, headers=bearer(county["tokens"][n])),
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] + [409] * 7, statuses
    return [r.get_json()["detail"] for r in responses if r.status_code == 409]


def _once(pg_app, county, workflow, record_id, transition):
    """One history row and one audit entry of the move."""
    history = select(func.count(StateChange.id)).where(
        StateChange.workflow == workflow,
        StateChange.record_id == record_id,
        StateChange.transition == transition,
    )
    audit = select(func.count(AuditEntry.id)).where(AuditEntry.action == f"{workflow}.{transition}")
    assert (_count(pg_app, county, history), _count(pg_app, county, audit)) == (1, 1)


def test_eight_identical_payments_of_one_approved_grant_pay_it_once(pg_app, county):
    def approved_grant(record, actor):
        grant = aid.apply_grant(
            {"record_id": record.id, "kind": "living", "amount_fen": 100, "reason": "生活困难"},
            actor,
        )
        GRANT_FLOW.fire(grant, "review", actor)
        GRANT_FLOW.fire(grant, "approve", actor)
        return grant

    grant_id = _setup(pg_app, county, approved_grant)
    _race_post(pg_app, county, f"{API}/grants/{grant_id}/transitions/pay", {})

    approval_id = _count(pg_app, county, select(Grant.approval_id).where(Grant.id == grant_id))
    postings = select(func.count(Posting.id)).where(Posting.approval_id == approval_id)
    assert _count(pg_app, county, postings) == 1
    _once(pg_app, county, "assistance_grant", grant_id, "pay")
    spent = select(func.sum(Posting.amount_fen)).where(Posting.approval_id == approval_id)
    assert _count(pg_app, county, spent) == 100


def test_eight_identical_deliveries_to_one_campaign_target_pay_it_once(pg_app, county):
    def approved_campaign_target(_record, actor):
        campaign = visits.create_campaign(
            {"name": "春节走访慰问", "levels": ["special"], "amounts_fen": {"special": 50_000}},
            actor,
        )
        CAMPAIGN_FLOW.fire(campaign, "approve", actor)
        return db.session.scalar(
            select(CampaignTarget).where(CampaignTarget.campaign_id == campaign.id)
        )

    target_id = _setup(pg_app, county, approved_campaign_target)
    _race_post(
        pg_app, county, f"{API}/campaign-targets/{target_id}/delivery", {"signed_by": "本人"}
    )

    campaign_id = _count(
        pg_app, county, select(CampaignTarget.campaign_id).where(CampaignTarget.id == target_id)
    )
    with pg_app.app_context(), tenant_scope(county["tenant_id"]):
        from plugins.assistance.models import Campaign

        totals = records.campaign_totals(db.session.get(Campaign, campaign_id))
    assert totals == {
        "planned_fen": 50_000,
        "delivered_fen": 50_000,
        "posted_fen": 50_000,
        "undelivered": 0,
    }
    delivered = select(func.count(AuditEntry.id)).where(AuditEntry.action == "assistance.delivered")
    assert _count(pg_app, county, delivered) == 1


def test_eight_identical_disbursements_of_one_loan_lend_it_once_and_answer_409(pg_app, county):
    def approved_loan(record, actor):
        loan = aid.apply_loan(
            {
                "record_id": record.id,
                "project": "养殖肉牛",
                "amount_fen": 240_000,
                "guarantor_kind": "branch",
                "guarantor_name": "东村党支部",
            },
            actor,
        )
        LOAN_FLOW.fire(loan, "assess", actor, data={"assessment": "圈舍已建成"})
        LOAN_FLOW.fire(loan, "approve", actor)
        return loan

    loan_id = _setup(pg_app, county, approved_loan)
    _race_post(pg_app, county, f"{API}/loans/{loan_id}/transitions/disburse", {})

    term = _count(pg_app, county, select(Loan.term_months).where(Loan.id == loan_id))
    instalments = select(func.count(Instalment.id)).where(Instalment.loan_id == loan_id)
    assert _count(pg_app, county, instalments) == term
    approval_id = _count(pg_app, county, select(Loan.approval_id).where(Loan.id == loan_id))
    postings = select(func.count(Posting.id)).where(Posting.approval_id == approval_id)
    assert _count(pg_app, county, postings) == 1
    _once(pg_app, county, "assistance_loan", loan_id, "disburse")


@pytest.fixture
def without_row_locks(monkeypatch):
    """As if a code path forgot to lock: only the database's constraints are left."""

    def no_lock(_obj):
        return None

    monkeypatch.setattr("core.workflow.lock_for_update", no_lock)
    for module in ("aid", "visits", "register", "fund"):
        monkeypatch.setattr(f"plugins.assistance.services.{module}.lock_for_update", no_lock)


def test_without_the_locks_the_database_still_pays_a_grant_once_and_answers_409(
    pg_app, county, without_row_locks
):
    def approved_grant(record, actor):
        grant = aid.apply_grant(
            {"record_id": record.id, "kind": "medical", "amount_fen": 300, "reason": "住院"},
            actor,
        )
        GRANT_FLOW.fire(grant, "review", actor)
        GRANT_FLOW.fire(grant, "approve", actor)
        return grant

    grant_id = _setup(pg_app, county, approved_grant)
    refusals = _race_post(pg_app, county, f"{API}/grants/{grant_id}/transitions/pay", {})
    approval_id = _count(pg_app, county, select(Grant.approval_id).where(Grant.id == grant_id))
    postings = select(func.count(Posting.id)).where(Posting.approval_id == approval_id)
    assert _count(pg_app, county, postings) == 1
    # Those the unique constraint stopped are told so (the others saw the state change).
    assert "该操作已由另一请求完成，请刷新后查看" in refusals


def test_without_the_locks_the_database_still_delivers_once_and_answers_409(
    pg_app, county, without_row_locks
):
    def approved_campaign_target(_record, actor):
        campaign = visits.create_campaign(
            {"name": "七一走访慰问", "levels": ["special"], "amounts_fen": {"special": 20_000}},
            actor,
        )
        CAMPAIGN_FLOW.fire(campaign, "approve", actor)
        return db.session.scalar(
            select(CampaignTarget).where(CampaignTarget.campaign_id == campaign.id)
        )

    target_id = _setup(pg_app, county, approved_campaign_target)
    refusals = _race_post(
        pg_app, county, f"{API}/campaign-targets/{target_id}/delivery", {"signed_by": "本人"}
    )
    assert "该操作已由另一请求完成，请刷新后查看" in refusals
    spent = select(func.coalesce(func.sum(Posting.amount_fen), 0)).where(
        Posting.memo == "七一走访慰问"
    )
    assert _count(pg_app, county, spent) == 20_000


def test_the_embedded_mode_pays_a_grant_once_too(app, factory):
    """SQLite has no row locks: the lock there takes the single writer lock first."""
    county = _county(app, factory)

    def approved_grant(record, actor):
        grant = aid.apply_grant(
            {"record_id": record.id, "kind": "living", "amount_fen": 100, "reason": "生活困难"},
            actor,
        )
        GRANT_FLOW.fire(grant, "review", actor)
        GRANT_FLOW.fire(grant, "approve", actor)
        return grant

    grant_id = _setup(app, county, approved_grant)
    outcomes = race(
        app,
        county["tenant_id"],
        lambda: db.session.get(Grant, grant_id),
        lambda grant: GRANT_FLOW.fire(grant, "pay", actor_of(county["user_id"], CHIEF_PERMISSIONS)),
    )
    assert sorted(outcomes) == ["409"] * 7 + ["ok"]
    approval_id = _count(app, county, select(Grant.approval_id).where(Grant.id == grant_id))
    postings = select(func.count(Posting.id)).where(Posting.approval_id == approval_id)
    assert _count(app, county, postings) == 1
