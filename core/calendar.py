"""Working days and deadlines under the State Council holiday schedule.

Deadlines are counted in natural days (日) or working days (工作日). Working days follow
the official schedule, including make-up working weekends (调休). The ``chinesecalendar``
package carries that schedule, but only for the years it was released with, and the
State Council publishes each next year's schedule in the autumn. So operators can load a
year's schedule or correct single dates (:func:`load_year`); their rows win over the
package. A year with neither counts weekends only, and every result computed from such
a year says so (:attr:`Due.estimated`) so that pages can show it.
"""

from __future__ import annotations

import calendar as calendar_module
import csv
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Literal

import chinese_calendar
from flask_babel import LazyString, gettext, lazy_gettext
from sqlalchemy import Boolean, Date, DateTime, Integer, String, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from core import clock
from core.db import db

#: How a period is counted (see :func:`period_end`).
Rule = Literal["natural_days", "months", "working_days", "clock_hours"]
RULES: tuple[Rule, ...] = ("natural_days", "months", "working_days", "clock_hours")
Light = Literal["green", "yellow", "red"]
#: One operator override: the date, whether it is a working day, and its name (may be None).
DayEntry = tuple[date, bool, str | None]

ESTIMATED_WARNING = lazy_gettext("节假日数据缺失，按周末估算")

_ONE_DAY = timedelta(days=1)


class CalendarDay(db.Model):
    """An operator's ruling on one date: a public holiday, or a make-up working weekend."""

    __tablename__ = "calendar_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    is_workday: Mapped[bool] = mapped_column(Boolean)
    name: Mapped[str | None] = mapped_column(String(50))


class CalendarYear(db.Model):
    """An operator loaded the full official schedule for this year, so it is not estimated."""

    __tablename__ = "calendar_years"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    note: Mapped[str] = mapped_column(String(200))
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


@dataclass(frozen=True)
class Due:
    """A computed date, and whether it rests on weekends-only guesswork for some year."""

    date: date
    estimated: bool
    #: For a period in clock hours: the instant it ends (aware, Asia/Shanghai).
    at: datetime | None = None

    @property
    def warning(self) -> LazyString | None:
        """The notice to show next to the date when it is estimated, else ``None``."""
        return ESTIMATED_WARNING if self.estimated else None


# -- The schedule -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Overrides:
    loaded: bool
    days: dict[date, bool]


#: Per-process cache of the operator rows of each year: deadline code asks about every day
#: of a range, and these rows change about once a year. :func:`load_year` invalidates it
#: in its own process; other processes (gunicorn workers, RQ workers) see the change once
#: their entry is older than :data:`CACHE_SECONDS`.
CACHE_SECONDS = 60.0
_clock = time.monotonic
_cache: dict[int, tuple[float, _Overrides]] = {}


def clear_cache() -> None:
    """Forget the cached operator rows (tests use it between databases)."""
    _cache.clear()


def _overrides(year: int) -> _Overrides:
    now = _clock()
    cached = _cache.get(year)
    if cached is not None and now - cached[0] < CACHE_SECONDS:
        return cached[1]
    rows = db.session.execute(
        select(CalendarDay.day, CalendarDay.is_workday).where(
            CalendarDay.day.between(date(year, 1, 1), date(year, 12, 31))
        )
    ).all()
    loaded = db.session.get(CalendarYear, year) is not None
    overrides = _Overrides(loaded, {day: workday for day, workday in rows})
    _cache[year] = (now, overrides)
    return overrides


@cache
def package_covers(year: int) -> bool:
    """Whether the ``chinesecalendar`` package carries ``year``'s official schedule."""
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def year_has_data(year: int) -> bool:
    """Whether ``year``'s holidays are known (packaged or loaded), i.e. not estimated."""
    return package_covers(year) or _overrides(year).loaded


def is_workday(d: date) -> bool:
    """Whether ``d`` is a working day: operator row, else the package, else Monday-Friday."""
    override = _overrides(d.year).days.get(d)
    if override is not None:
        return override
    if package_covers(d.year):
        return chinese_calendar.is_workday(d)
    return d.weekday() < 5


def _estimated(years: Iterable[int]) -> bool:
    return not all(year_has_data(year) for year in years)


def _check_days(days: int) -> None:
    if days < 0:
        raise ValueError("days must not be negative")


# -- Deadlines ----------------------------------------------------------------------------


def _roll(d: date, step: timedelta) -> Due:
    """``d`` if it is a working day, else the nearest working day in direction ``step``."""
    years = {d.year}
    while not is_workday(d):
        d += step
        years.add(d.year)
    return Due(d, _estimated(years))


def _count_working_days(origin: date, days: int, step: timedelta) -> Due:
    _check_days(days)
    d, counted, years = origin, 0, set()
    while counted < days:
        d += step
        years.add(d.year)
        if is_workday(d):
            counted += 1
    return Due(d, _estimated(years))


def period_end(start: date | datetime, amount: int, rule: Rule) -> Due:
    """The end of a period of ``amount`` units after the event on ``start``, by ``rule``.

    - ``natural_days`` and ``months``: the event's own day is not counted, and a period
      whose last day is a rest day or public holiday ends on the next working day
      (Civil Code Art. 203, the general period-end rule: 期间的最后一日是法定休假日的，
      以法定休假日结束的次日为期间的最后一日). A month period ends on the same day of
      the month (the month's last day when it has no such day).
    - ``working_days``: the ``amount``-th working day after ``start`` (工作日, make-up
      working weekends count); a negative ``amount`` counts back (倒排工期).
    - ``clock_hours``: ``start`` (an aware datetime) plus ``amount`` hours in
      Asia/Shanghai; rest days do not stop the clock, so no holiday data is involved.

    The result says whether a year without holiday data was involved (``estimated``).
    """
    if rule == "clock_hours":
        if not isinstance(start, datetime) or start.tzinfo is None:
            raise ValueError("clock_hours periods start at an aware datetime")
        _check_days(amount)
        at = (start + timedelta(hours=amount)).astimezone(clock.TZ)
        return Due(at.date(), False, at)
    day = start.astimezone(clock.TZ).date() if isinstance(start, datetime) else start
    if rule == "working_days":
        if amount < 0:
            return _count_working_days(day, -amount, -_ONE_DAY)
        return _count_working_days(day, amount, _ONE_DAY)
    _check_days(amount)
    if rule == "natural_days":
        return _roll(day + timedelta(days=amount), _ONE_DAY)
    if rule == "months":
        return _roll(add_months(day, amount), _ONE_DAY)
    raise ValueError(f"unknown period rule {rule!r}")


def add_natural_days(start: date, days: int) -> Due:
    """``period_end(start, days, "natural_days")`` (kept for existing callers)."""
    return period_end(start, days, "natural_days")


def add_working_days(start: date, days: int) -> Due:
    """``period_end(start, days, "working_days")`` (kept for existing callers)."""
    _check_days(days)
    return period_end(start, days, "working_days")


def subtract_working_days(end: date, days: int) -> Due:
    """The ``days``-th working day before ``end``, for back-scheduling (倒排工期).

    For a working day ``end`` it is the inverse of :func:`add_working_days`.
    """
    _check_days(days)
    return period_end(end, -days, "working_days")


def add_months(start: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it has no such day).

    Plain date arithmetic for report periods and look-back windows; a deadline counted
    in months goes through ``period_end(start, months, "months")`` for the end rule."""
    month0 = start.month - 1 + months
    year, month = start.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(start.day, calendar_module.monthrange(year, month)[1]))


def traffic_light(due: date, today: date, warning_days: int) -> Light:
    """Red when overdue, yellow within ``warning_days`` natural days of ``due``, else green."""
    if today > due:
        return "red"
    if (due - today).days <= warning_days:
        return "yellow"
    return "green"


# -- Loading a year -----------------------------------------------------------------------


def load_year(year: int, days: Iterable[DayEntry], note: str) -> int:
    """Replace ``year``'s operator rows with ``days`` and mark the year as loaded.

    Used when the State Council publishes a schedule the package lacks, or to correct the
    package. All or nothing: invalid input raises ``ValueError`` (a message for the
    operator) before anything is written. Returns the number of dates stored.
    """
    entries = list(days)
    seen: set[date] = set()
    for day, _workday, name in entries:
        if day.year != year:
            raise ValueError(gettext("%(day)s 不在 %(year)s 年内", day=day.isoformat(), year=year))
        if day in seen:
            raise ValueError(gettext("%(day)s 重复出现", day=day.isoformat()))
        if name is not None and len(name) > 50:
            raise ValueError(gettext("%(day)s 的名称超过 50 个字", day=day.isoformat()))
        seen.add(day)

    try:
        db.session.execute(
            delete(CalendarDay).where(CalendarDay.day.between(date(year, 1, 1), date(year, 12, 31)))
        )
        db.session.add_all(
            CalendarDay(day=day, is_workday=workday, name=name) for day, workday, name in entries
        )
        row = db.session.get(CalendarYear, year) or CalendarYear(year=year)
        row.note = note
        row.loaded_at = clock.now()
        db.session.add(row)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    _cache.pop(year, None)
    return len(entries)


def parse_year_file(source: str | Path) -> list[DayEntry]:
    """Read a year's schedule for :func:`load_year`; a ``Path`` is read, a ``str`` is the text.

    The format is CSV in UTF-8 (a BOM, as Excel and WPS write it, is fine)::

        # 2027 年节假日安排
        date,type,name
        2027-01-01,holiday,元旦
        2027-02-20,workday,春节调休上班

    One row per date that is not an ordinary Monday-Friday working day or Saturday/Sunday
    rest day: ``type`` is ``holiday`` (a rest day) or ``workday`` (a make-up working day);
    ``name`` may be empty. The header row is optional; blank lines and lines starting
    with ``#`` are ignored. Errors raise ``ValueError`` naming the line.
    """
    text = source.read_text(encoding="utf-8-sig") if isinstance(source, Path) else source
    reader = csv.reader(text.removeprefix("\ufeff").splitlines())
    entries: list[DayEntry] = []
    for cells in reader:
        line = reader.line_num
        cells = [cell.strip() for cell in cells]
        if not any(cells) or cells[0].startswith("#"):
            continue
        if not entries and [c.lower() for c in cells] in (
            ["date", "type", "name"],
            ["date", "type"],
        ):
            continue
        entries.append(_day_entry(cells, line))
    return entries


def _day_entry(cells: list[str], line: int) -> DayEntry:
    """One schedule row (``date,type[,name]``), or a ``ValueError`` naming the line."""
    if len(cells) not in (2, 3):
        raise ValueError(gettext("第 %(line)s 行：应为“日期,类型,名称”", line=line))
    try:
        day = date.fromisoformat(cells[0])
    except ValueError:
        raise ValueError(
            gettext("第 %(line)s 行：日期 %(value)s 应为 YYYY-MM-DD", line=line, value=cells[0])
        ) from None
    kind = cells[1].lower()
    if kind not in ("holiday", "workday"):
        raise ValueError(
            gettext(
                "第 %(line)s 行：类型应为 holiday 或 workday，而不是 %(value)s",
                line=line,
                value=cells[1],
            )
        )
    name = cells[2] if len(cells) == 3 and cells[2] else None
    return day, kind == "workday", name
