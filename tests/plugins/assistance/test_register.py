"""The hardship register: application checks, the identification workflow with its
public notice and objections, filing with the parent tenant, and the annual review."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from marshmallow import ValidationError
from sqlalchemy import func, select

from core.db import db
from core.tenancy.models import Tenant
from core.workflow import IllegalTransition, StateChange
from plugins.assistance import jobs
from plugins.assistance.models import HardshipRecord
from plugins.assistance.queries.records import required_documents
from plugins.assistance.schemas.records import RecordIn
from plugins.assistance.services import register
from plugins.assistance.workflow import RECORD_FLOW as FLOW

TODAY = date(2026, 3, 2)  # a Monday


@pytest.fixture(autouse=True)
def _today(set_today):
    set_today(TODAY)


@pytest.fixture
def apply_for(clerk, new_member):
    def make(**data):
        values = {
            "member_id": new_member().id,
            "category": "rural_low_income",
            "level": "special",
            "causes": ["illness", "old_age"],
            "documents": required_documents(),
            **data,
        }
        household = [
            {"name": "王大山", "relation": "self", "age": 76, "annual_income_fen": 30_000},
            {"name": "李秀英", "relation": "spouse", "age": 74, "annual_income_fen": 20_000},
        ]
        # As the API and the pages do: the schema first, then the service.
        return register.apply(RecordIn().load({**values, "household": household}), clerk)

    return make


def _registered(record, clerk, leader, set_today):
    FLOW.fire(record, "branch_review", clerk)
    FLOW.fire(record, "publish_notice", clerk)
    set_today(record.notice_ends_on + timedelta(days=1))
    FLOW.fire(record, "close_notice", clerk)
    FLOW.fire(record, "approve", leader)
    FLOW.fire(record, "file", clerk)
    return record


def test_application_sums_household_income_and_per_head(apply_for):
    record = apply_for()
    assert record.state == "applied"
    assert record.serial == "KN-2026-0001"
    assert (record.household_income_fen, record.household_size) == (50_000, 2)
    assert record.per_head_income_fen == 25_000
    assert [m.name for m in record.household] == ["王大山", "李秀英"]


def test_rural_income_per_head_must_be_under_the_low_income_line(apply_for):
    # Default line: 低保 1,000 元/人·月 × 12 × 150 % = 18,000 元 a person a year; the
    # household of two may earn just under 36,000 元.
    assert apply_for(household_income_fen=3_599_998).per_head_income_fen == 1_799_999
    with pytest.raises(ValidationError, match="18,000.00") as caught:
        apply_for(household_income_fen=3_600_000)
    assert "人均" in caught.value.messages["household_income_fen"][0]
    assert db.session.scalar(select(func.count(HardshipRecord.id))) == 1


def test_the_low_income_line_follows_the_tenants_dibao_setting(apply_for, tenant):
    from core.plugins.enablement import update_settings

    update_settings(db.session.get(Tenant, tenant), "assistance", {"dibao_monthly_fen": 50_000})
    with pytest.raises(ValidationError, match="9,000.00"):  # 500 × 12 × 150 %
        apply_for(household_income_fen=1_800_000)
    assert apply_for(household_income_fen=1_799_998).state == "applied"


@pytest.mark.parametrize(
    "data, field",
    [
        ({"household_income_fen": -1}, "household_income_fen"),
        ({"household_income_fen": 10**12}, "household_income_fen"),
        ({"household_income_fen": 1.5}, "household_income_fen"),
        ({"level": "dire"}, "level"),
        ({"causes": []}, "causes"),
        ({"member_id": 999_999}, "member_id"),
        ({"dues_unpaid_months": 6}, "member_id"),
        ({"rated_unqualified_recently": True}, "member_id"),
        ({"under_disciplinary_review": True}, "member_id"),
    ],
)
def test_bad_or_excluded_applications_are_refused(apply_for, data, field):
    with pytest.raises(ValidationError) as caught:
        apply_for(**data)
    assert field in caught.value.messages
    assert db.session.scalar(select(func.count(HardshipRecord.id))) == 0


def test_one_open_record_per_member(apply_for, clerk):
    record = apply_for()
    with pytest.raises(ValidationError, match="已有台账"):
        apply_for(member_id=record.member_id)


def test_branch_review_needs_the_required_documents(apply_for, clerk):
    record = apply_for(documents=["困难党员帮扶申请表"])
    with pytest.raises(IllegalTransition, match="家庭收入证明"):
        FLOW.fire(record, "branch_review", clerk)
    register.update_documents(record, required_documents(), clerk)
    FLOW.fire(record, "branch_review", clerk)
    assert record.state == "branch_reviewed"


def test_notice_runs_working_days_and_objections_hold_it(apply_for, clerk, leader, set_today):
    record = apply_for()
    FLOW.fire(record, "branch_review", clerk)
    FLOW.fire(record, "publish_notice", clerk)
    # Five working days from Monday 2 March: Monday 9 March is the last day.
    assert record.notice_ends_on == date(2026, 3, 9)
    objection = register.raise_objection(record, "其子女在城里有房有车", clerk)
    set_today(date(2026, 3, 9))
    with pytest.raises(IllegalTransition, match="期满后"):
        FLOW.fire(record, "close_notice", clerk)
    set_today(date(2026, 3, 10))
    with pytest.raises(IllegalTransition, match="异议"):
        FLOW.fire(record, "close_notice", clerk)
    register.resolve_objection(objection, "经核实，子女已分户，不影响认定", False, leader)
    FLOW.fire(record, "close_notice", clerk)
    assert record.state == "noticed"


def test_an_upheld_objection_ends_in_rejection(apply_for, clerk, leader, set_today):
    record = apply_for()
    FLOW.fire(record, "branch_review", clerk)
    FLOW.fire(record, "publish_notice", clerk)
    objection = register.raise_objection(record, "家庭收入不实", clerk)
    register.resolve_objection(objection, "经核实属实", True, leader)
    set_today(date(2026, 3, 10))
    with pytest.raises(IllegalTransition, match="异议"):
        FLOW.fire(record, "close_notice", clerk)
    FLOW.fire(record, "reject", leader, comment="异议成立")
    assert record.state == "rejected"


def test_the_whole_identification_ends_filed_with_the_parent(apply_for, clerk, leader, set_today):
    record = _registered(apply_for(), clerk, leader, set_today)
    parent = db.session.get(Tenant, db.session.get(Tenant, record.tenant_id).parent_id)
    assert record.state == "registered"
    assert (record.filed_with_tenant_id, record.filed_with_name) == (parent.id, parent.name)
    assert record.review_due == date(2027, 3, 10)
    assert [h.transition for h in FLOW.history(record)] == [
        "create",
        "branch_review",
        "publish_notice",
        "close_notice",
        "approve",
        "file",
    ]


def test_only_approvers_approve(apply_for, clerk, set_today):
    from core.workflow import TransitionForbidden

    record = apply_for()
    FLOW.fire(record, "branch_review", clerk)
    FLOW.fire(record, "publish_notice", clerk)
    set_today(date(2026, 3, 10))
    FLOW.fire(record, "close_notice", clerk)
    with pytest.raises(TransitionForbidden):
        FLOW.fire(record, "approve", clerk)


def test_annual_review_is_opened_by_the_job_and_ends_three_ways(
    apply_for, clerk, leader, set_today
):
    kept = _registered(apply_for(), clerk, leader, set_today)
    changed = _registered(apply_for(), clerk, leader, set_today)
    exited = _registered(apply_for(), clerk, leader, set_today)
    db.session.flush()
    set_today(date(2027, 1, 1))
    assert jobs.open_annual_reviews() == 0  # not within the 30-day window yet
    set_today(date(2027, 3, 1))
    assert jobs.open_annual_reviews() == 3
    assert jobs.open_annual_reviews() == 0  # idempotent
    for record in (kept, changed, exited):
        db.session.refresh(record)
        assert record.state == "under_review"
        assert FLOW.history(record)[-1].transition == "open_review"
    FLOW.fire(kept, "keep", leader)
    with pytest.raises(IllegalTransition, match="维持"):
        FLOW.fire(changed, "change_level", leader, comment="好转", data={"level": "special"})
    FLOW.fire(changed, "change_level", leader, comment="病情好转", data={"level": "general"})
    FLOW.fire(exited, "exit", leader, comment="子女就业，已脱困")
    assert (kept.state, kept.review_due) == ("registered", date(2028, 3, 1))
    assert (changed.state, changed.level) == ("registered", "general")
    assert (exited.state, exited.exited_on) == ("exited", date(2027, 3, 1))
    assert (
        db.session.scalar(
            select(func.count(StateChange.id)).where(StateChange.transition == "open_review")
        )
        == 3
    )
