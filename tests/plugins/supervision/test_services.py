"""Back-scheduling, extensions, reminders by hand, escalation and accountability."""

from __future__ import annotations

from datetime import date

import pytest
from marshmallow import ValidationError
from sqlalchemy import select

from core.db import db
from core.workflow import IllegalTransition, TransitionForbidden
from plugins.supervision.models import SupervisionMilestone, SupervisionReminder
from plugins.supervision.services import followup, items
from plugins.supervision.services.items import back_schedule
from plugins.supervision.workflow import ITEM_FLOW as FLOW

TODAY = date(2026, 2, 2)


@pytest.fixture(autouse=True)
def _today(set_today):
    set_today(TODAY)


# -- 倒排工期 ---------------------------------------------------------------------------------


def test_back_scheduling_skips_the_spring_festival_and_counts_make_up_saturdays(app_context):
    # 2026: 15-23 Feb are the Spring Festival holiday; Saturday 14 Feb is a make-up
    # working day. Three steps of 2, 3 and 2 working days ending on Friday 27 Feb.
    steps = back_schedule(date(2026, 2, 27), [("调研摸底", 2), ("起草方案", 3), ("审定印发", 2)])
    assert [(s.title, s.due) for s in steps] == [
        ("调研摸底", date(2026, 2, 13)),  # 24 Feb, 14 Feb (调休上班), 13 Feb
        ("起草方案", date(2026, 2, 25)),  # 26, 25 Feb
        ("审定印发", date(2026, 2, 27)),
    ]
    assert not any(s.estimated for s in steps)


def test_back_scheduling_in_a_year_without_holiday_data_says_it_is_estimated(app_context):
    steps = back_schedule(date(2031, 3, 3), [("a", 1), ("b", 1)])
    assert steps[0].due == date(2031, 2, 28)  # Monday minus one working day: Friday
    assert steps[0].estimated


def test_back_scheduling_a_single_step_ends_on_the_deadline(app_context):
    assert [s.due for s in back_schedule(date(2026, 5, 8), [("only", 5)])] == [date(2026, 5, 8)]


def test_replacing_milestones_from_the_deadline(new_item, officer, owner):
    item = new_item(date(2026, 2, 27))
    items.replace_milestones(item, [("调研摸底", 2), ("起草方案", 3), ("审定印发", 2)], officer)
    rows = db.session.scalars(select(SupervisionMilestone).order_by(SupervisionMilestone.seq)).all()
    assert [(m.seq, m.due) for m in rows] == [
        (1, date(2026, 2, 13)),
        (2, date(2026, 2, 25)),
        (3, date(2026, 2, 27)),
    ]
    with pytest.raises(TransitionForbidden):
        items.replace_milestones(item, [("x", 1)], owner)
    assert [h.transition for h in FLOW.history(item)][-1] == "back_schedule"


def test_milestones_may_not_fall_after_the_deadline(new_item):
    with pytest.raises(ValidationError, match="晚于最终期限"):
        new_item(milestones=[{"title": "x", "due": date(2026, 4, 1)}])


# -- Extensions ---------------------------------------------------------------------------


def test_the_responsible_leader_approves_an_extension(new_item, owner, leader, officer):
    item = new_item(date(2026, 3, 31))
    extension = followup.request_extension(item, date(2026, 4, 30), "需等待上级政策", owner)
    assert extension.state == "pending"
    leader_todo = db.session.scalars(
        select(SupervisionReminder.kind).where(SupervisionReminder.user_id == leader.user_id)
    ).all()
    assert leader_todo == ["extension"]
    with pytest.raises(TransitionForbidden, match="只有责任领导"):
        followup.decide_extension(item, extension.id, True, None, officer)
    followup.decide_extension(item, extension.id, True, "同意", leader)
    assert (extension.state, item.deadline) == ("approved", date(2026, 4, 30))
    with pytest.raises(IllegalTransition, match="已审批"):
        followup.decide_extension(item, extension.id, False, None, leader)
    assert [h.transition for h in FLOW.history(item)][-2:] == [
        "request_extension",
        "approve_extension",
    ]


def test_a_refused_extension_keeps_the_deadline(new_item, owner, leader):
    item = new_item(date(2026, 3, 31))
    extension = followup.request_extension(item, date(2026, 4, 30), "人手不足", owner)
    followup.decide_extension(item, extension.id, False, "不同意", leader)
    assert (extension.state, item.deadline) == ("rejected", date(2026, 3, 31))


@pytest.mark.parametrize(
    "new_deadline, reason, error",
    [(date(2026, 3, 31), "理由", "new_deadline"), (date(2026, 4, 30), " ", "reason")],
)
def test_an_extension_needs_a_later_date_and_a_reason(new_item, owner, new_deadline, reason, error):
    item = new_item(date(2026, 3, 31))
    with pytest.raises(ValidationError) as caught:
        followup.request_extension(item, new_deadline, reason, owner)
    assert error in caught.value.messages


def test_only_the_person_asks_once_at_a_time(new_item, owner, helper):
    item = new_item()
    with pytest.raises(TransitionForbidden):
        followup.request_extension(item, date(2026, 4, 30), "x", helper)
    followup.request_extension(item, date(2026, 4, 30), "x", owner)
    with pytest.raises(IllegalTransition, match="待审批"):
        followup.request_extension(item, date(2026, 5, 30), "y", owner)


# -- Reminders, escalation, accountability ------------------------------------------------


def test_a_manual_reminder_reaches_the_person_each_time(new_item, officer, leader, owner):
    item = new_item()
    followup.remind(item, "请本周内报送方案", officer)
    followup.remind(item, "再次催办", leader)
    rows = db.session.scalars(
        select(SupervisionReminder).where(
            SupervisionReminder.user_id == owner.user_id, SupervisionReminder.kind == "manual"
        )
    ).all()
    assert [(r.kind, r.message) for r in rows] == [
        ("manual", "请本周内报送方案"),
        ("manual", "再次催办"),
    ]
    with pytest.raises(TransitionForbidden):
        followup.remind(item, "x", owner)
    with pytest.raises(ValidationError):
        followup.remind(item, "  ", officer)


def test_unassigned_or_closed_items_are_not_urged(new_item, officer):
    item = new_item(assign=False)
    with pytest.raises(IllegalTransition):
        followup.remind(item, "x", officer)


def test_escalation_reaches_the_leader(new_item, officer, leader, owner):
    item = new_item()
    followup.escalate(item, "多次催办未果", officer)
    assert item.escalated_on == TODAY
    kinds = db.session.scalars(
        select(SupervisionReminder.kind).where(SupervisionReminder.user_id == leader.user_id)
    ).all()
    assert kinds == ["escalation"]
    with pytest.raises(TransitionForbidden):
        followup.escalate(item, "x", owner)


def test_accountability_only_for_overdue_or_poor_items(new_item, officer, set_today):
    item = new_item(date(2026, 2, 27))
    record = {"kind": "notice", "subject": "组织科", "reason": "逾期未完成"}
    with pytest.raises(IllegalTransition, match="逾期或评价为"):
        followup.add_accountability(item, record, officer)
    set_today(date(2026, 3, 2))
    row = followup.add_accountability(item, record, officer)
    assert (row.kind, row.decided_on) == ("notice", date(2026, 3, 2))
    with pytest.raises(ValidationError):
        followup.add_accountability(item, {**record, "kind": "枪毙"}, officer)
