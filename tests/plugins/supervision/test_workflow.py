"""Every move of the supervision item lifecycle, with its permissions and guards."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from marshmallow import ValidationError
from sqlalchemy import select

from core.audit.models import AuditEntry
from core.auth.users import Actor
from core.db import db
from core.workflow import IllegalTransition, TransitionForbidden
from plugins.supervision.models import SupervisionReminder, SupervisionReport
from plugins.supervision.services import followup, items
from plugins.supervision.workflow import ITEM_FLOW as FLOW

TODAY = date(2026, 3, 2)  # a Monday


@pytest.fixture(autouse=True)
def _today(set_today):
    set_today(TODAY)


def _in_progress(item, owner):
    FLOW.fire(item, "acknowledge", owner)
    FLOW.fire(item, "report", owner, data={"text": "已制定方案", "percent": 30})
    return item


def _closed(item, owner, officer):
    _in_progress(item, owner)
    FLOW.fire(item, "request_completion", owner)
    FLOW.fire(item, "verify", officer)
    return item


def test_opening_an_item_gives_a_serial_and_a_first_history_row(new_item):
    item = new_item(assign=False)
    assert item.serial == "DC-2026-0001"
    assert item.state == "created"
    assert [h.transition for h in FLOW.history(item)] == ["create"]
    assert new_item(assign=False).serial == "DC-2026-0002"


def test_opening_needs_the_assign_permission(new_item, owner, users):
    with pytest.raises(TransitionForbidden):
        items.create_item(
            {"title": "x", "source": "meeting", "deadline": TODAY}, owner, co_handler_ids=[]
        )


@pytest.fixture
def stranger(factory):
    """A user of another tenant (made before the test's tenant scope opens)."""
    factory.tenant("elsewhere", plugins=["supervision"])
    return factory.user("elsewhere", "stranger", roles=())


def test_people_and_section_must_belong_to_the_tenant(stranger, new_item, section):
    with pytest.raises(ValidationError) as caught:
        new_item(person_user_id=stranger.user_id, section_id=section.id + 999)
    assert set(caught.value.messages) == {"person_user_id", "section_id"}


def test_assigning_sets_the_acknowledgement_due_and_tells_the_person(new_item, users):
    item = new_item()
    assert (item.state, item.assigned_on) == ("assigned", TODAY)
    assert item.acknowledge_due == date(2026, 3, 4)  # default: 2 working days
    (todo,) = db.session.scalars(select(SupervisionReminder)).all()
    assert (todo.user_id, todo.kind, todo.due) == (
        users["owner"].id,
        "acknowledge",
        date(2026, 3, 4),
    )


def test_assigning_needs_a_responsible_person(new_item, officer):
    item = new_item(assign=False, person_user_id=None)
    with pytest.raises(IllegalTransition, match="须先指定责任人"):
        FLOW.fire(item, "assign", officer)


def test_only_the_responsible_person_acknowledges(new_item, helper, owner, officer):
    item = new_item()
    with pytest.raises(IllegalTransition, match="只有责任人"):
        FLOW.fire(item, "acknowledge", helper)
    with pytest.raises(IllegalTransition, match="只有责任人"):
        FLOW.fire(item, "acknowledge", officer)
    FLOW.fire(item, "acknowledge", owner)
    assert (item.state, item.acknowledged_on) == ("acknowledged", TODAY)
    assert item.report_due == TODAY + timedelta(days=7)  # weekly cycle


def test_progress_reports_by_person_or_co_handler(new_item, owner, helper, users):
    item = new_item()
    FLOW.fire(item, "acknowledge", owner)
    FLOW.fire(item, "report", helper, data={"text": "协办科室已完成摸底", "percent": 20})
    FLOW.fire(item, "report", owner, data={"text": "完成一半", "percent": 50})
    assert (item.state, item.percent, item.last_report_on) == ("in_progress", 50, TODAY)
    reports = db.session.scalars(select(SupervisionReport).order_by(SupervisionReport.id)).all()
    assert [(r.author_id, r.percent) for r in reports] == [
        (users["helper"].id, 20),
        (users["owner"].id, 50),
    ]


@pytest.mark.parametrize(
    "data, message",
    [
        ({"text": " ", "percent": 10}, "须填写进展情况"),
        ({"text": "x", "percent": 101}, "0 到 100"),
        ({"text": "x", "percent": -1}, "0 到 100"),
        ({"text": "x", "percent": True}, "0 到 100"),
        ({"text": "x"}, "0 到 100"),
    ],
)
def test_a_progress_report_needs_text_and_a_percent(new_item, owner, data, message):
    item = new_item()
    FLOW.fire(item, "acknowledge", owner)
    with pytest.raises(IllegalTransition, match=message):
        FLOW.fire(item, "report", owner, data=data)
    assert item.state == "acknowledged"


def test_an_outsider_cannot_report(new_item, owner, users):
    item = new_item()
    FLOW.fire(item, "acknowledge", owner)
    outsider = Actor(user=users["outsider"], permissions=owner.permissions)
    with pytest.raises(IllegalTransition, match="责任人或协办人"):
        FLOW.fire(item, "report", outsider, data={"text": "x", "percent": 1})


def test_cannot_report_before_acknowledging(new_item, owner):
    item = new_item()
    with pytest.raises(IllegalTransition, match="当前状态为「已交办」"):
        FLOW.fire(item, "report", owner, data={"text": "x", "percent": 1})


def test_completion_verification_rating_and_archive(new_item, owner, officer):
    item = _in_progress(new_item(), owner)
    FLOW.fire(item, "request_completion", owner)
    assert (item.state, item.completion_requested_on) == ("completion_requested", TODAY)
    FLOW.fire(item, "verify", officer)
    assert (item.state, item.closed_on, item.percent) == ("closed", TODAY, 100)
    with pytest.raises(IllegalTransition, match="评价等次"):
        FLOW.fire(item, "rate", officer, data={"rating": "满分"})
    FLOW.fire(item, "rate", officer, data={"rating": "excellent"})
    FLOW.fire(item, "archive", officer)
    assert (item.state, item.rating) == ("archived", "excellent")
    assert [h.transition for h in FLOW.history(item)] == [
        "create",
        "assign",
        "acknowledge",
        "report",
        "request_completion",
        "verify",
        "rate",
        "archive",
    ]
    actions = db.session.scalars(select(AuditEntry.action)).all()
    assert "supervision_item.verify" in actions


def test_verification_needs_the_verify_permission(new_item, owner):
    item = _in_progress(new_item(), owner)
    FLOW.fire(item, "request_completion", owner)
    with pytest.raises(TransitionForbidden):
        FLOW.fire(item, "verify", owner)


def test_sending_back_needs_a_reason_and_returns_to_work(new_item, owner, officer):
    item = _in_progress(new_item(), owner)
    FLOW.fire(item, "request_completion", owner)
    with pytest.raises(IllegalTransition, match="须填写说明"):
        FLOW.fire(item, "send_back", officer)
    FLOW.fire(item, "send_back", officer, comment="佐证材料不全")
    assert (item.state, item.completion_requested_on) == ("in_progress", None)


def test_rating_and_archive_only_after_closure(new_item, owner, officer):
    item = _in_progress(new_item(), owner)
    with pytest.raises(IllegalTransition):
        FLOW.fire(item, "rate", officer, data={"rating": "good"})
    with pytest.raises(IllegalTransition):
        FLOW.fire(item, "archive", officer)


def test_a_parent_cannot_close_while_a_child_is_open(new_item, owner, officer):
    parent = new_item()
    child = new_item(date(2026, 3, 20), parent_id=parent.id, title="子任务")
    _in_progress(parent, owner)
    with pytest.raises(IllegalTransition, match="尚有 1 个子事项未办结"):
        FLOW.fire(parent, "request_completion", owner)
    _closed(child, owner, officer)
    FLOW.fire(parent, "request_completion", owner)
    # A child opened afterwards blocks verification too.
    new_item(date(2026, 3, 25), parent_id=parent.id, title="补充任务")
    with pytest.raises(IllegalTransition, match="子事项未办结"):
        FLOW.fire(parent, "verify", officer)


def test_a_child_cannot_outlast_its_parent_or_join_a_closed_one(new_item, owner, officer):
    parent = new_item()
    with pytest.raises(ValidationError, match="不能晚于上级"):
        new_item(date(2026, 4, 30), parent_id=parent.id)
    _closed(parent, owner, officer)
    with pytest.raises(ValidationError) as caught:
        new_item(date(2026, 3, 20), parent_id=parent.id)
    assert "parent_id" in caught.value.messages


def test_acknowledging_and_reporting_clear_the_persons_reminders(new_item, owner, officer):
    item = new_item()
    followup.remind(item, "请尽快签收", officer)
    FLOW.fire(item, "acknowledge", owner)
    FLOW.fire(item, "report", owner, data={"text": "进展", "percent": 10})
    open_ = db.session.scalars(
        select(SupervisionReminder).where(SupervisionReminder.done_at.is_(None))
    ).all()
    assert open_ == []
