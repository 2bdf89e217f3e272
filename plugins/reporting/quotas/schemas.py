"""Schemas of the quota API."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from plugins.reporting.models import CATEGORIES
from plugins.reporting.schemas import Choice, Id
from plugins.reporting.scoring.periods import PERIOD_COUNT


class QuotaPartIn(Schema):
    category = Choice(CATEGORIES, required=True)
    minimum = fields.Integer(strict=True, required=True, validate=validate.Range(min=1, max=1000))


class QuotaIn(Schema):
    child_tenant_id = Id(required=True)
    year = fields.Integer(strict=True, required=True, validate=validate.Range(min=2000, max=2099))
    period = fields.String(load_default="quarter", validate=validate.OneOf(list(PERIOD_COUNT)))
    period_number = fields.Integer(
        strict=True, load_default=None, validate=validate.Range(min=1, max=12)
    )
    total = fields.Integer(strict=True, required=True, validate=validate.Range(min=0, max=10000))
    parts = fields.List(
        fields.Nested(QuotaPartIn), load_default=list, validate=validate.Length(max=10)
    )


class QuotaQuery(Schema):
    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2099))
    period = fields.String(load_default="quarter", validate=validate.OneOf(list(PERIOD_COUNT)))
    number = fields.Integer(load_default=None, validate=validate.Range(min=1, max=12))


class PartOut(Schema):
    category = fields.String()
    minimum = fields.Integer()
    sent = fields.Integer()
    percent = fields.Integer()
    met = fields.Boolean()


class CompletionOut(Schema):
    id = fields.Integer()
    tenant_id = fields.Integer(metadata={"description": "下达任务的上级单位"})
    child_tenant_id = fields.Integer()
    child_name = fields.String()
    total = fields.Integer()
    sent = fields.Integer()
    adopted = fields.Integer()
    percent = fields.Integer()
    met = fields.Boolean()
    parts = fields.List(fields.Nested(PartOut))
