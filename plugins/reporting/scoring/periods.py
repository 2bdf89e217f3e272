"""Ranking periods (month, quarter, year) as half-open UTC intervals of Beijing dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from flask_babel import gettext as _
from marshmallow import ValidationError

from core import clock

#: How many periods of a kind a year has.
PERIOD_COUNT = {"month": 12, "quarter": 4, "year": 1}


@dataclass(frozen=True)
class Period:
    kind: str
    year: int
    number: int

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        """``[start, end)`` in UTC: Beijing midnights, as users count months and quarters."""
        months = {"month": 1, "quarter": 3, "year": 12}[self.kind]
        first = (self.number - 1) * months + 1
        start = datetime(self.year, first, 1, tzinfo=clock.TZ)
        last = first + months
        end = (
            datetime(self.year + 1, 1, 1, tzinfo=clock.TZ)
            if last > 12
            else datetime(self.year, last, 1, tzinfo=clock.TZ)
        )
        return start.astimezone(UTC), end.astimezone(UTC)

    @property
    def label(self) -> str:
        if self.kind == "year":
            return _("%(year)s年", year=self.year)
        if self.kind == "quarter":
            return _("%(year)s年第%(number)s季度", year=self.year, number=self.number)
        return _("%(year)s年%(number)s月", year=self.year, number=self.number)


def period(kind: str, year: int, number: int | None = None) -> Period:
    """A period, checked: a year has 12 months, 4 quarters, 1 year."""
    if kind not in PERIOD_COUNT:
        raise ValidationError({"period": [_("未知的统计周期")]})
    number = 1 if kind == "year" else number
    if number is None or not 1 <= number <= PERIOD_COUNT[kind]:
        raise ValidationError({"number": [_("周期序号超出范围")]})
    return Period(kind, year, number)
