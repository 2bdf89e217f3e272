"""Every kind of supervision record that waits on a user is on that user's to-do list
from the moment it waits, once, and leaves when it is handled."""

from __future__ import annotations

from datetime import date, timedelta

from core.auth.users import Actor
from core.db import db
from core.plugins.manager import hook_for
from core.tenancy.models import Tenant
from core.web.views import dedupe
from plugins.supervision.jobs import scan
from plugins.supervision.services import followup
from plugins.supervision.workflow import ITEM_FLOW
from tests.plugins.supervision.conftest import ALL

TODAY = date(2026, 3, 2)


def _todo(tenant: int, actor: Actor) -> list:
    t = db.session.get(Tenant, tenant)
    return dedupe(
        [i for group in hook_for(t).zugong_todo_items(tenant=t, actor=actor) for i in group]
    )


def _titles(tenant: int, actor: Actor) -> list[str]:
    return [i.title for i in _todo(tenant, actor)]


def test_each_wait_appears_once_and_leaves_when_handled(
    tenant, new_item, owner, leader, officer, users, set_today
):
    set_today(TODAY)
    item = new_item(TODAY + timedelta(days=30))  # assigned: the person is to acknowledge
    [entry] = _todo(tenant, owner)
    assert "签收提醒" in entry.title and item.serial in entry.title
    ITEM_FLOW.fire(item, "acknowledge", owner)
    assert _titles(tenant, owner) == []

    ITEM_FLOW.fire(item, "report", owner, data={"text": "已推进", "percent": 30})
    extension = followup.request_extension(item, TODAY + timedelta(days=50), "场地调整", owner)
    [wait] = _titles(tenant, leader)
    assert "延期申请待审批" in wait
    followup.decide_extension(item, extension.id, True, None, leader)
    assert _titles(tenant, leader) == []

    ITEM_FLOW.fire(item, "request_completion", owner)
    verifier = Actor(user=users["outsider"], permissions=ALL)  # any holder of verify
    assert ["待核验办结" in t for t in _titles(tenant, verifier)] == [True]
    ITEM_FLOW.fire(item, "verify", officer)
    assert ["待评价" in t for t in _titles(tenant, verifier)] == [True]
    ITEM_FLOW.fire(item, "rate", officer, data={"rating": "good"})
    assert _titles(tenant, verifier) == []
    assert _titles(tenant, owner) == []


def test_an_overdue_reminder_leaves_once_the_extension_is_approved(
    tenant, new_item, owner, leader, set_today
):
    set_today(TODAY)
    item = new_item(TODAY + timedelta(days=1))
    ITEM_FLOW.fire(item, "acknowledge", owner)
    set_today(TODAY + timedelta(days=3))
    scan()  # overdue: red, a reminder to the person and one to the leader
    [entry] = _todo(tenant, owner)
    assert entry.light == "red" and entry.title.count(item.serial) == 1
    extension = followup.request_extension(item, TODAY + timedelta(days=40), "延后验收", owner)
    followup.decide_extension(item, extension.id, True, None, leader)
    assert _titles(tenant, owner) == []
    assert _titles(tenant, leader) == []
    scan()  # green now: the scan sends nothing new
    assert _titles(tenant, owner) == []


def test_core_lists_a_record_once_with_its_most_urgent_light():
    from core.plugins.types import TodoItem

    items = [
        TodoItem("甲", "/a", "x", date(2026, 3, 9), "green"),
        TodoItem("甲（逾期）", "/a", "y", date(2026, 3, 9), "red"),
        TodoItem("乙", "/b", "x", None, "yellow"),
        TodoItem("丙", "/c", "x", date(2026, 3, 1), "yellow"),
    ]
    assert [(i.url, i.light) for i in dedupe(items)] == [
        ("/a", "red"),
        ("/c", "yellow"),
        ("/b", "yellow"),
    ]
