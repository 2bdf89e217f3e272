"""信访统计: the period asked for (page and API) and the figures out (the API's JSON)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from marshmallow import Schema, ValidationError, fields, validate, validates_schema


class BucketOut(Schema):
    key = fields.String()
    title = fields.String()
    count = fields.Integer()


class UnitOut(Schema):
    id = fields.Integer()
    name = fields.String()


class StatisticsOut(Schema):
    title = fields.String()
    date_from = fields.Date()
    date_to = fields.Date()
    units = fields.List(fields.Nested(UnitOut))
    totals = fields.Dict(keys=fields.String(), values=fields.Integer())
    rates = fields.Dict(
        keys=fields.String(),
        values=fields.Float(allow_none=True),
        metadata={"description": "百分比，分母为 0 时为 null"},
    )
    previous_year_total = fields.Integer()
    by_channel = fields.List(fields.Nested(BucketOut))
    by_kind = fields.List(fields.Nested(BucketOut))
    by_category = fields.List(fields.Nested(BucketOut))
    by_state = fields.List(fields.Nested(BucketOut))
    by_month = fields.List(fields.Nested(BucketOut))
    by_handler = fields.List(fields.Nested(BucketOut))
    by_unit = fields.List(fields.Nested(BucketOut))


PERIODS = ("month", "quarter", "year", "range")


#: A range longer than this is refused: statistics of decades are not a use case and
#: would only load the database.
MAX_RANGE_DAYS = 5 * 366


class StatisticsQuery(Schema):
    """Which period, and whether a parent includes its lower levels."""

    period = fields.String(load_default="month", validate=validate.OneOf(PERIODS))
    year = fields.Integer(validate=validate.Range(min=2000, max=2100))
    month = fields.Integer(validate=validate.Range(min=1, max=12))
    quarter = fields.Integer(validate=validate.Range(min=1, max=4))
    date_from = fields.Date()
    date_to = fields.Date()
    include_children = fields.Boolean(load_default=False)

    @validates_schema
    def _range(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if data.get("period") != "range":
            return
        start, end = data.get("date_from"), data.get("date_to")
        if start is None or end is None:
            raise ValidationError(_("按日期范围统计须填写起止日期。"), "date_from")
        if end < start:
            raise ValidationError(_("结束日期不能早于开始日期。"), "date_to")
        if (end - start).days > MAX_RANGE_DAYS:
            raise ValidationError(_("日期范围不能超过五年。"), "date_to")


class StatisticsForm(StatisticsQuery):
    class Meta:
        unknown = "exclude"
