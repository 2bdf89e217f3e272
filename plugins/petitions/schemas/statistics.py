"""信访统计 out (the API's JSON)."""

from __future__ import annotations

from marshmallow import (
    Schema,
    fields,
)

# -- statistics -----------------------------------------------------------------------


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
