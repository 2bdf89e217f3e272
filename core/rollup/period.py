"""The period of a roll-up: a month, a quarter, a year or a custom range of days."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from core import clock
from core.calendar import add_months
from core.rollup.types import Period

PERIODS = ("month", "quarter", "year", "range")
#: Longer ranges are refused: decades of figures are not a use case and only load the database.
MAX_RANGE_DAYS = 5 * 366


class PeriodQuery(Schema):
    """The period fields of the 汇总 page and its exports (unknown fields are the page's)."""

    class Meta:
        unknown = "exclude"

    period = fields.String(load_default="month", validate=validate.OneOf(PERIODS))
    year = fields.Integer(validate=validate.Range(min=2000, max=2100))
    month = fields.Integer(validate=validate.Range(min=1, max=12))
    quarter = fields.Integer(validate=validate.Range(min=1, max=4))
    date_from = fields.Date()
    date_to = fields.Date()

    @validates_schema
    def _range(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if data.get("period") != "range":
            return
        start, end = data.get("date_from"), data.get("date_to")
        if start is None or end is None:
            raise ValidationError(_("按日期范围汇总须填写起止日期。"), "date_from")
        if end < start:
            raise ValidationError(_("结束日期不能早于开始日期。"), "date_to")
        if (end - start).days > MAX_RANGE_DAYS:
            raise ValidationError(_("日期范围不能超过五年。"), "date_to")


def resolve(query: dict[str, Any], today: date | None = None) -> Period:
    """The period ``query`` (loaded by :class:`PeriodQuery`) names; the current month,
    quarter or year where it names none."""
    today = today or clock.today()
    kind = query.get("period", "month")
    year = query.get("year") or today.year
    if kind == "range":
        start, end = query["date_from"], query["date_to"]
        return Period(kind, start, end, f"{start.isoformat()} — {end.isoformat()}")
    if kind == "year":
        return Period(kind, date(year, 1, 1), date(year, 12, 31), _("%(year)s年", year=year))
    if kind == "quarter":
        quarter = query.get("quarter") or (today.month - 1) // 3 + 1
        start = date(year, 3 * quarter - 2, 1)
        title = _("%(year)s年第%(q)s季度", year=year, q=quarter)
        return Period(kind, start, add_months(start, 3) - timedelta(days=1), title)
    start = date(year, query.get("month") or today.month, 1)
    title = _("%(year)s年%(m)s月", year=year, m=start.month)
    return Period(kind, start, add_months(start, 1) - timedelta(days=1), title)


def previous(period: Period, count: int) -> list[Period]:
    """The ``count`` periods of the same length ending with ``period``, oldest first (the
    trend line). A custom range steps back by its own length in days."""
    found = [Period(period.kind, period.start, period.end, "")]  # titled alike below
    for _step in range(count - 1):
        last = found[-1]
        if last.kind == "range":
            days = (last.end - last.start).days + 1
            start = last.start - timedelta(days=days)
            found.append(Period("range", start, last.start - timedelta(days=1), ""))
            continue
        months = {"month": 1, "quarter": 3, "year": 12}[last.kind]
        start = add_months(last.start, -months)
        found.append(Period(last.kind, start, last.start - timedelta(days=1), ""))
    return [_titled(p) for p in reversed(found)]


def _titled(period: Period) -> Period:
    if period.title:
        return period
    if period.kind == "year":
        title = str(period.start.year)
    elif period.kind == "quarter":
        title = f"{period.start.year}Q{(period.start.month - 1) // 3 + 1}"
    elif period.kind == "month":
        title = f"{period.start.year}-{period.start.month:02d}"
    else:
        title = period.start.isoformat()
    return Period(period.kind, period.start, period.end, title)


def spans_of(period: Period) -> list[tuple[str, date]] | None:
    """The fewest whole spans covering exactly ``period`` (``[(span, start)]``), or None
    when it cuts a month (then the plugin counts its rows directly)."""
    if period.start.day != 1 or (period.end + timedelta(days=1)).day != 1:
        return None
    found, day = [], period.start
    while day <= period.end:
        for span, months in (("year", 12), ("quarter", 3), ("month", 1)):
            if (day.month - 1) % months == 0 and _plus_months(
                day, months
            ) <= period.end + timedelta(days=1):
                found.append((span, day))
                day = _plus_months(day, months)
                break
    return found


def _plus_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)
