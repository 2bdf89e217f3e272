"""The schemas of 信息要点: a priority as written and shown, and the tag on an item."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from core.api.fields import Text

YEARS = validate.Range(min=2000, max=2099, error="年度应在 2000 年到 2099 年之间。")


class PriorityIn(Schema):
    title = Text(required=True, validate=validate.Length(min=1, max=100))
    year = fields.Integer(required=True, validate=YEARS)


class PriorityQuery(Schema):
    year = fields.Integer(validate=YEARS, metadata={"description": "年度（默认今年）"})


class PriorityOut(Schema):
    id = fields.Integer()
    tenant_id = fields.Integer()
    tenant_name = fields.String()
    year = fields.Integer()
    title = fields.String()
    is_active = fields.Boolean()
    state = fields.String()


class TagOut(Schema):
    priority_tenant_id = fields.Integer()
    priority_id = fields.Integer()
    title = fields.String()
