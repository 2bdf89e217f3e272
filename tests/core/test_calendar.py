"""Deadlines under the State Council holiday schedule (DOMAIN.md, "Calendar").

The 2026 dates below are the State Council's published 2026 schedule as carried by
chinesecalendar 1.11; the 2027 rows loaded by operators are made up for the tests.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask_babel import Babel

from core import calendar
from core.calendar import (
    CalendarDay,
    CalendarYear,
    Due,
    add_natural_days,
    add_working_days,
    is_workday,
    load_year,
    parse_year_file,
    period_end,
    subtract_working_days,
    traffic_light,
    year_has_data,
)
from core.db import GLOBAL_TABLES, db

D = date.fromisoformat
WARNING = "节假日数据缺失，按周末估算"


@pytest.fixture
def calendar_app():
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite://"
    db.init_app(app)
    Babel(app)
    with app.app_context():
        db.create_all()
        calendar.clear_cache()
        yield app
        db.session.remove()
        calendar.clear_cache()


uses_db = pytest.mark.usefixtures("calendar_app")


def test_calendar_tables_are_global():
    assert {"calendar_days", "calendar_years"} <= GLOBAL_TABLES


# -- The 2026 schedule ----------------------------------------------------------------------


@uses_db
def test_national_day_2026_is_seven_days_off():
    for day in range(1, 8):
        assert not is_workday(date(2026, 10, day)), f"2026-10-0{day}"
    assert is_workday(D("2026-09-30"))
    assert is_workday(D("2026-10-08"))


@uses_db
@pytest.mark.parametrize(
    "day", ["2026-01-04", "2026-02-14", "2026-02-28", "2026-09-20", "2026-10-10"]
)
def test_make_up_weekend_days_are_working_days(day):
    assert D(day).weekday() >= 5
    assert is_workday(D(day))


@uses_db
def test_an_ordinary_weekend_is_a_rest_day():
    assert not is_workday(D("2026-10-17"))
    assert not is_workday(D("2026-10-18"))


# -- Natural days -------------------------------------------------------------------------


@uses_db
def test_the_day_of_the_event_is_not_counted():
    assert add_natural_days(D("2026-03-02"), 15) == Due(D("2026-03-17"), estimated=False)


@uses_db
def test_a_period_ending_on_a_weekend_ends_on_the_next_monday():
    assert add_natural_days(D("2026-03-06"), 15).date == D("2026-03-23")


@uses_db
def test_a_period_ending_in_a_holiday_ends_on_the_next_working_day():
    # 15 days after 2026-09-16 is 10-01, the first day of the National Day break.
    assert add_natural_days(D("2026-09-16"), 15) == Due(D("2026-10-08"), estimated=False)


@uses_db
def test_a_period_ending_on_a_make_up_saturday_is_not_moved():
    assert add_natural_days(D("2026-09-25"), 15).date == D("2026-10-10")


@uses_db
def test_every_natural_period_ends_on_the_first_working_day_from_start_plus_days():
    start = D("2025-01-01")
    while start < D("2026-11-01"):
        for days in (1, 5, 15, 30):
            end = add_natural_days(start, days).date
            assert is_workday(end)
            nominal = start + timedelta(days=days)
            assert end >= nominal
            assert not any(is_workday(nominal + timedelta(n)) for n in range((end - nominal).days))
        start += timedelta(days=1)


# -- The one function: period_end with its rule ----------------------------------------


@uses_db
def test_a_30_day_window_ending_in_national_day_2026_ends_on_the_next_working_day():
    # The 复查 request window (30 days) from a reply on 09-01 ends 10-01: the break runs
    # to 10-07, so the last day is 10-08. Without the rule it would be 10-01.
    assert period_end(D("2026-09-01"), 30, "natural_days") == Due(D("2026-10-08"), False)


@uses_db
def test_a_month_period_ending_on_a_sunday_ends_on_monday():
    # An instalment due a month after 02-01 falls on Sunday 03-01: it is due Monday 03-02.
    assert period_end(D("2026-02-01"), 1, "months") == Due(D("2026-03-02"), False)
    assert period_end(D("2026-01-31"), 1, "months").date == D("2026-02-28")  # a make-up Saturday


@uses_db
def test_a_month_period_ending_in_spring_festival_moves_past_it():
    assert period_end(D("2026-01-16"), 1, "months").date == D("2026-02-24")


@uses_db
def test_working_days_forwards_and_backwards_through_the_one_function():
    assert period_end(D("2026-02-12"), 3, "working_days").date == D("2026-02-24")
    assert period_end(D("2026-02-24"), -3, "working_days").date == D("2026-02-12")
    # National Day 2026: 09-20 (Sunday) is a make-up working day.
    assert period_end(D("2026-09-18"), 1, "working_days").date == D("2026-09-20")
    assert period_end(D("2026-09-30"), 1, "working_days").date == D("2026-10-08")


@uses_db
def test_a_working_day_period_over_new_year_of_a_year_without_data_is_estimated():
    # 2027 has no data: 01-01 counts as a working day, and the result says so.
    due = period_end(D("2026-12-30"), 3, "working_days")
    assert due == Due(D("2027-01-04"), estimated=True)
    assert str(due.warning) == WARNING


def test_clock_hours_run_through_the_night_and_holidays_in_asia_shanghai():
    start = datetime(2026, 9, 30, 14, 0, tzinfo=UTC)  # 22:00 in Beijing
    due = period_end(start, 4, "clock_hours")
    assert due.at is not None and due.at.isoformat() == "2026-10-01T02:00:00+08:00"
    assert due == Due(D("2026-10-01"), False, due.at)


def test_clock_hours_need_an_aware_start_and_rules_are_checked():
    with pytest.raises(ValueError):
        period_end(datetime(2026, 9, 30, 14, 0), 4, "clock_hours")
    with pytest.raises(ValueError):
        period_end(D("2026-09-30"), 4, "clock_hours")
    with pytest.raises(ValueError):
        period_end(D("2026-09-30"), -1, "natural_days")
    with pytest.raises(ValueError):
        period_end(D("2026-09-30"), 1, "fortnights")  # type: ignore[arg-type]


# -- Working days -------------------------------------------------------------------------


@uses_db
def test_working_days_across_spring_festival_2026():
    # Off 02-15 (Sun) to 02-23 (Mon); Saturdays 02-14 and 02-28 are worked.
    start = D("2026-02-12")
    assert add_working_days(start, 1).date == D("2026-02-13")
    assert add_working_days(start, 2).date == D("2026-02-14")
    assert add_working_days(start, 3).date == D("2026-02-24")
    assert add_working_days(start, 7) == Due(D("2026-02-28"), estimated=False)


@uses_db
def test_back_scheduling_in_working_days_skips_the_holiday():
    assert subtract_working_days(D("2026-02-26"), 5) == Due(D("2026-02-12"), estimated=False)
    assert add_working_days(D("2026-02-12"), 5).date == D("2026-02-26")


def test_negative_periods_are_refused():
    with pytest.raises(ValueError):
        add_natural_days(D("2026-03-02"), -1)
    with pytest.raises(ValueError):
        add_working_days(D("2026-03-02"), -1)


# -- Years without data -------------------------------------------------------------------


@uses_db
def test_a_year_without_data_counts_weekends_only_and_says_so():
    assert not year_has_data(2031)
    assert is_workday(D("2031-01-01"))  # New Year's Day, unknown without data
    due = add_working_days(D("2031-01-02"), 3)
    assert due == Due(D("2031-01-07"), estimated=True)
    assert str(due.warning) == WARNING


@uses_db
def test_a_period_reaching_into_a_year_without_data_is_estimated():
    assert add_natural_days(D("2026-12-20"), 15) == Due(D("2027-01-04"), estimated=True)
    inside = add_natural_days(D("2026-12-01"), 15)
    assert not inside.estimated
    assert inside.warning is None


@uses_db
def test_a_year_loaded_by_an_operator_takes_effect_and_is_not_estimated():
    assert add_natural_days(D("2026-12-25"), 7) == Due(D("2027-01-01"), estimated=True)

    stored = load_year(
        2027,
        [(D("2027-01-01"), False, "元旦"), (D("2027-01-09"), True, "调休上班")],
        note="测试用安排",
    )

    assert stored == 2
    assert year_has_data(2027)
    assert not is_workday(D("2027-01-01"))
    assert is_workday(D("2027-01-09"))
    assert not is_workday(D("2027-01-10"))  # an ordinary Sunday
    assert add_natural_days(D("2026-12-25"), 7) == Due(D("2027-01-04"), estimated=False)
    assert db.session.get(CalendarYear, 2027).note == "测试用安排"


@uses_db
def test_an_operator_row_wins_over_the_package():
    load_year(2026, [(D("2026-03-02"), False, "临时调整"), (D("2026-10-03"), True, None)], "更正")
    assert not is_workday(D("2026-03-02"))
    assert is_workday(D("2026-10-03"))
    assert not is_workday(D("2026-10-02"))  # the rest of the package still applies


@uses_db
def test_loading_a_year_again_replaces_its_rows():
    load_year(2027, [(D("2027-01-01"), False, "元旦")], "第一版")
    load_year(2027, [(D("2027-01-02"), True, None)], "第二版")
    assert db.session.scalars(db.select(CalendarDay.day)).all() == [D("2027-01-02")]
    assert is_workday(D("2027-01-01"))
    assert db.session.get(CalendarYear, 2027).note == "第二版"


@uses_db
def test_a_year_loaded_by_another_process_is_seen_once_the_cache_expires(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(calendar, "_clock", lambda: now[0])
    assert is_workday(D("2027-10-04"))  # a Monday of a year nobody has loaded: cached

    # Another process (a second gunicorn worker) loads the year: this one's cache is not
    # invalidated by it, only the database changes.
    db.session.add(CalendarDay(day=D("2027-10-04"), is_workday=False, name="国庆节"))
    db.session.add(CalendarYear(year=2027, note="另一进程", loaded_at=calendar.clock.now()))
    db.session.commit()

    now[0] += calendar.CACHE_SECONDS - 1
    assert is_workday(D("2027-10-04"))  # still the cached answer
    assert not year_has_data(2027)

    now[0] += 2
    assert not is_workday(D("2027-10-04"))
    assert year_has_data(2027)


@uses_db
def test_load_year_rejects_a_date_outside_the_year_and_changes_nothing():
    load_year(2027, [(D("2027-01-01"), False, "元旦")], "原有")
    assert not is_workday(D("2027-01-01"))

    with pytest.raises(ValueError, match="2028-01-01 不在 2027 年内"):
        load_year(
            2027, [(D("2027-05-03"), False, "劳动节"), (D("2028-01-01"), False, "元旦")], "新"
        )

    db.session.expire_all()
    assert db.session.scalars(db.select(CalendarDay.day)).all() == [D("2027-01-01")]
    assert db.session.get(CalendarYear, 2027).note == "原有"
    assert not is_workday(D("2027-01-01"))
    assert is_workday(D("2027-05-03"))


@uses_db
def test_load_year_rejects_a_date_given_twice():
    with pytest.raises(ValueError, match="2027-01-01 重复出现"):
        load_year(2027, [(D("2027-01-01"), False, "元旦"), (D("2027-01-01"), True, None)], "x")
    assert not year_has_data(2027)


# -- Traffic lights -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "light"),
    [
        ("2026-03-06", "green"),  # 4 days left
        ("2026-03-07", "yellow"),  # 3 days left: inside the window
        ("2026-03-10", "yellow"),  # due today
        ("2026-03-11", "red"),  # overdue
    ],
)
def test_traffic_light_boundaries(today, light):
    assert traffic_light(D("2026-03-10"), D(today), warning_days=3) == light


def test_with_no_warning_window_only_the_due_day_is_yellow():
    assert traffic_light(D("2026-03-10"), D("2026-03-09"), warning_days=0) == "green"
    assert traffic_light(D("2026-03-10"), D("2026-03-10"), warning_days=0) == "yellow"


# -- The year file --------------------------------------------------------------------------

YEAR_FILE = """\ufeff# 2027 年节假日安排
date,type,name

2027-01-01,holiday,元旦
2027-02-20, WORKDAY ,"春节调休,上班"
2027-10-01,holiday,
"""


def test_parse_year_file_reads_the_documented_format():
    assert parse_year_file(YEAR_FILE) == [
        (D("2027-01-01"), False, "元旦"),
        (D("2027-02-20"), True, "春节调休,上班"),
        (D("2027-10-01"), False, None),
    ]


def test_parse_year_file_reads_a_path(tmp_path: Path):
    path = tmp_path / "2027.csv"
    path.write_text(YEAR_FILE, encoding="utf-8")
    assert len(parse_year_file(path)) == 3


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("date,type,name\n2027-01-01,rest,元旦\n", "第 2 行：类型应为 holiday 或 workday"),
        ("2027-13-01,holiday,元旦\n", "第 1 行：日期 2027-13-01 应为 YYYY-MM-DD"),
        ("2027-01-01\n", "第 1 行"),
    ],
)
def test_parse_year_file_names_the_bad_line(text, message):
    with pytest.raises(ValueError, match=message):
        parse_year_file(text)
