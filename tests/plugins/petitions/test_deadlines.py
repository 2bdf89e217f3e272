"""Legal deadlines across public holidays and make-up working days (2026 schedule)."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar

from core.calendar import add_months
from core.db import db
from core.plugins import enablement
from core.tenancy.models import Tenant
from plugins.petitions.workflow import PETITION_FLOW


def _first_workday_on_or_after(day: date) -> date:
    while not chinese_calendar.is_workday(day):
        day += timedelta(days=1)
    return day


def test_the_schedule_behind_these_tests():
    # National Day 2026 runs 10-01..10-07; Saturday 10-10 is a make-up working day.
    assert all(not chinese_calendar.is_workday(date(2026, 10, d)) for d in range(1, 8))
    assert chinese_calendar.is_workday(date(2026, 10, 8))
    assert date(2026, 10, 10).weekday() == 5 and chinese_calendar.is_workday(date(2026, 10, 10))


def test_accept_due_is_15_natural_days_rolled_past_national_day(new_petition, set_today):
    set_today(date(2026, 9, 16))
    petition = new_petition(date(2026, 9, 16))
    raw = date(2026, 9, 16) + timedelta(days=15)
    assert raw == date(2026, 10, 1)
    assert petition.accept_due == _first_workday_on_or_after(raw) == date(2026, 10, 8)


def test_accept_due_on_a_working_day_is_not_moved(new_petition, set_today):
    set_today(date(2026, 3, 2))
    petition = new_petition(date(2026, 3, 2))
    assert chinese_calendar.is_workday(date(2026, 3, 17))
    assert petition.accept_due == date(2026, 3, 17)


def test_return_due_counts_working_days_and_the_make_up_saturday(new_petition, set_today):
    set_today(date(2026, 9, 28))
    petition = new_petition(date(2026, 9, 28), source_tenant_id=None)
    assert petition.return_due is None  # only for items forwarded from another body
    other = new_petition(date(2026, 9, 28), source_tenant_id=petition.tenant_id)
    # 09-29, 09-30, (holiday 10-01..07), 10-08, 10-09, 10-10 (Saturday, make-up day).
    days, d = [], date(2026, 9, 28)
    while len(days) < 5:
        d += timedelta(days=1)
        if chinese_calendar.is_workday(d):
            days.append(d)
    assert other.return_due == days[-1] == date(2026, 10, 10)


def test_close_due_is_60_days_after_acceptance(new_petition, clerk, set_today):
    set_today(date(2026, 8, 3))
    petition = new_petition(date(2026, 7, 30))
    PETITION_FLOW.fire(petition, "accept", clerk)
    assert petition.accepted_on == date(2026, 8, 3)
    raw = date(2026, 8, 3) + timedelta(days=60)
    assert raw == date(2026, 10, 2)
    assert petition.close_due == _first_workday_on_or_after(raw) == date(2026, 10, 8)


def test_a_party_members_appeal_runs_three_months(new_petition, clerk, set_today):
    set_today(date(2026, 6, 30))
    petition = new_petition(date(2026, 6, 29), kind="appeal")
    PETITION_FLOW.fire(petition, "accept", clerk)
    assert petition.close_due == _first_workday_on_or_after(date(2026, 9, 30))


def test_deadlines_follow_the_tenants_settings(tenant, new_petition, clerk, set_today):
    enablement.update_settings(
        db.session.get(Tenant, tenant), "petitions", {"accept_days": 10, "close_days": 30}
    )
    set_today(date(2026, 3, 2))
    petition = new_petition(date(2026, 3, 2))
    assert petition.accept_due == date(2026, 3, 12)
    PETITION_FLOW.fire(petition, "accept", clerk)
    assert petition.close_due == _first_workday_on_or_after(date(2026, 4, 1))


def test_add_months_clamps_to_the_months_end():
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2026, 5, 31), -12) == date(2025, 5, 31)
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
