"""The scheduled scan: traffic lights for every open item, reminders into the right
to-do list, never twice for the same occasion."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from core.db import db
from core.plugins.manager import hook_for
from core.tenancy.models import Tenant
from plugins.supervision.jobs import scan
from plugins.supervision.models import SupervisionReminder
from plugins.supervision.workflow import ITEM_FLOW as FLOW

TODAY = date(2026, 3, 2)  # Monday


@pytest.fixture(autouse=True)
def _today(set_today):
    set_today(TODAY)


def _reminders(user_id=None):
    query = select(SupervisionReminder.kind, SupervisionReminder.user_id)
    if user_id:
        query = query.where(SupervisionReminder.user_id == user_id)
    return sorted(db.session.execute(query.order_by(SupervisionReminder.id)).all())


def test_a_deadline_within_the_window_reminds_the_person_once(new_item, users, set_today):
    item = new_item(TODAY + timedelta(days=10))
    assert scan()["deadline"] == 0
    set_today(TODAY + timedelta(days=8))  # remind_days_before = 3 by default
    first = scan()
    assert first["deadline"] == 1
    db.session.expire_all()
    assert item.light == "yellow"
    second = scan()
    assert sum(v for k, v in second.items() if k != "lights") == 0
    assert db.session.scalar(select(func.count()).select_from(SupervisionReminder)) == 2
    assert ("deadline", users["owner"].id) in _reminders()


def test_an_overdue_item_turns_red_and_reaches_person_and_leader(new_item, users, set_today):
    item = new_item(TODAY + timedelta(days=1))
    set_today(TODAY + timedelta(days=5))
    scan()
    db.session.expire_all()
    assert item.light == "red"
    kinds = _reminders()
    assert ("overdue", users["owner"].id) in kinds
    assert ("overdue", users["leader"].id) in kinds
    assert scan()["overdue"] == 0


def test_late_acknowledgement_missing_reports_and_milestones(new_item, owner, users, set_today):
    item = new_item(date(2026, 4, 30), milestones=[{"title": "制定方案", "due": date(2026, 3, 12)}])
    set_today(date(2026, 3, 5))  # acknowledgement was due on 4 March
    assert scan()["acknowledge"] == 0  # in the to-do list since the assignment
    assert ("acknowledge", users["owner"].id) in _reminders()
    FLOW.fire(item, "acknowledge", owner)  # weekly reports: the first due 12 March
    set_today(date(2026, 3, 10))
    assert scan()["milestone"] == 1
    set_today(date(2026, 3, 13))
    counts = scan()
    assert (counts["milestone_overdue"], counts["report"]) == (1, 1)
    db.session.expire_all()
    assert item.light == "red"  # a milestone passed undone
    assert scan()["report"] == 0


def test_a_new_deadline_is_a_new_occasion(new_item, owner, leader, set_today):
    from plugins.supervision.services import followup

    item = new_item(TODAY + timedelta(days=2))
    assert scan()["deadline"] == 1
    extension = followup.request_extension(item, TODAY + timedelta(days=20), "等批复", owner)
    followup.decide_extension(item, extension.id, True, None, leader)
    set_today(TODAY + timedelta(days=18))
    assert scan()["deadline"] == 1


def test_closed_items_get_no_light_and_no_reminders(new_item, owner, officer, set_today):
    item = new_item(TODAY + timedelta(days=1))
    FLOW.fire(item, "acknowledge", owner)
    FLOW.fire(item, "report", owner, data={"text": "完成", "percent": 100})
    FLOW.fire(item, "request_completion", owner)
    FLOW.fire(item, "verify", officer)
    set_today(TODAY + timedelta(days=30))
    counts = scan()
    assert sum(v for k, v in counts.items() if k != "lights") == 0
    assert item.light is None


def test_reminders_appear_in_the_to_do_list(new_item, owner, tenant, set_today):
    item = new_item(TODAY + timedelta(days=1))
    set_today(TODAY + timedelta(days=3))
    scan()
    t = db.session.get(Tenant, tenant)
    todo = [i for items in hook_for(t).zugong_todo_items(tenant=t, actor=owner) for i in items]
    # Two reminders (签收, 逾期) on one item: the item is listed once, with both reasons.
    assert [(i.plugin, i.kind, i.light) for i in todo] == [("supervision", "item", "red")]
    assert item.serial in todo[0].title
    assert "签收提醒" in todo[0].title and "逾期提醒" in todo[0].title


def _run_scan_statements(app) -> tuple[dict, int]:
    from core.jobs.dispatch import JobCall
    from core.jobs.runner import run
    from tests.perf.statements import counting

    with counting(db.engine) as statements:
        counts = run(app, JobCall("plugins.supervision.jobs:run_scan", None, "supervision", None))
    return counts, len(statements)


def test_the_platform_job_scans_every_tenant_in_as_many_statements(
    app, new_item, factory, set_today
):
    """Issue 14: one run for all tenants that enable supervision, each with its own
    reminder window, as many statements for twenty tenants as for two."""
    from core.plugins import enablement

    county = db.session.scalar(select(Tenant).where(Tenant.slug == "county"))
    enablement.update_settings(county, "supervision", {"remind_days_before": 10})
    item = new_item(TODAY + timedelta(days=10))
    db.session.commit()
    factory.tenant("neighbour0", plugins=["supervision"])
    counts, two = _run_scan_statements(app)
    assert (counts["tenants"], counts["deadline"]) == (2, 1)  # the county's ten-day window
    for i in range(1, 19):
        factory.tenant(f"neighbour{i}", plugins=["supervision"])
    set_today(TODAY + timedelta(days=11))  # overdue now: red, person and leader reminded
    counts, twenty = _run_scan_statements(app)
    assert (counts["tenants"], counts["overdue"], counts["lights"]) == (20, 2, 1)
    assert twenty == two
    db.session.expire_all()
    assert db.session.get(type(item), item.id).light == "red"
