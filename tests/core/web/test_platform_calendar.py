"""The operator's holiday page (/platform/calendar), where every estimated mark links:
years with and without data, loading a year (audited), bad input changing nothing, and
the page hidden from everyone else. New with issue 12 (no such page on main)."""

from __future__ import annotations

from datetime import date

import lxml.html
import pytest
from flask import Flask
from sqlalchemy import func, select

from core import calendar
from core.calendar import CalendarDay, period_end
from core.db import db
from tests.core.web.test_platform import _entries, _operator
from tests.factories import Factory, csrf_token, login

YEAR_2027 = """date,type,name
2027-01-01,holiday,元旦
2027-01-04,holiday,元旦调休
"""


@pytest.fixture
def op(app: Flask, factory: Factory, set_today):
    set_today(date(2026, 12, 2))
    factory.tenant("county")
    factory.user("county", "clerk", roles=["staff"])
    _operator(app)
    client = app.test_client()
    assert login(client, "op").status_code == 302
    return client


def _years(client) -> dict[str, str]:
    page = lxml.html.fromstring(client.get("/platform/calendar").get_data(as_text=True))
    return {tr.get("data-year"): tr.get("data-has-data") for tr in page.xpath("//tr[@data-year]")}


def _days(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(CalendarDay))


def test_the_page_lists_which_years_are_known(op):
    assert _years(op) == {"2025": "yes", "2026": "yes", "2027": "no", "2028": "no"}


def test_loading_a_year_takes_effect_and_is_audited(app, op):
    form = {"csrf_token": csrf_token(op, "/platform/calendar"), "year": "2027", "text": YEAR_2027}
    response = op.post("/platform/calendar", data=form)
    assert response.status_code == 200
    assert "已载入 2 个日期" in response.get_data(as_text=True)
    assert _years(op)["2027"] == "yes"
    with app.app_context():
        calendar.clear_cache()
        # 2026-12-30 + 3 working days: 12-31, (01-01 and 01-04 off), 01-05, 01-06.
        assert period_end(date(2026, 12, 30), 3, "working_days").date == date(2027, 1, 6)
        assert period_end(date(2026, 12, 30), 3, "working_days").estimated is False
    entry = _entries(app)[-1]
    assert (entry.action, entry.detail["year"], entry.detail["days"]) == (
        "platform.calendar_loaded",
        2027,
        2,
    )


def test_a_bad_line_is_422_in_chinese_and_changes_nothing(app, op):
    before = len(_entries(app))
    form = {
        "csrf_token": csrf_token(op, "/platform/calendar"),
        "year": "2027",
        "text": YEAR_2027 + "2027-13-01,holiday,\n",
    }
    response = op.post("/platform/calendar", data=form)
    assert response.status_code == 422
    assert "第 4 行" in response.get_data(as_text=True)
    assert _days(app) == 0 and len(_entries(app)) == before
    empty = op.post("/platform/calendar", data={**form, "text": ""})
    assert empty.status_code == 422 and _years(op)["2027"] == "no"


def test_others_get_404(app, op):
    client = app.test_client()
    login(client, "clerk")
    assert client.get("/platform/calendar").status_code == 404
