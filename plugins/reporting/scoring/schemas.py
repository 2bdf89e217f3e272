"""Schemas of the ranking API."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from core.api.fields import UtcDateTime
from core.api.pagination import CursorQuery
from plugins.reporting.scoring.periods import PERIOD_COUNT


class PeriodQuery(Schema):
    period = fields.String(
        load_default="year",
        validate=validate.OneOf(list(PERIOD_COUNT)),
        metadata={"description": "month / quarter / year"},
    )
    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2099))
    number = fields.Integer(
        load_default=None,
        validate=validate.Range(min=1, max=12),
        metadata={"description": "月份（1-12）或季度（1-4）；年度不填"},
    )


class RankingQuery(PeriodQuery):
    source = fields.String(
        load_default="live",
        validate=validate.OneOf(["live", "facts"]),
        metadata={"description": "live：按报送记录实时计算；facts：按定时汇总（大规模时快）"},
    )


class PublishIn(PeriodQuery):
    pass


class RefreshIn(Schema):
    year = fields.Integer(load_default=None, validate=validate.Range(min=2000, max=2099))


class RefreshOut(Schema):
    year = fields.Integer()
    rows = fields.Integer()


class RankingRowOut(Schema):
    tenant_id = fields.Integer()
    name = fields.String()
    submitted = fields.Integer()
    adopted = fields.Integer()
    points = fields.Integer()
    bonus = fields.Integer()
    late = fields.Integer()
    missed = fields.Integer()
    requests_missed = fields.Integer()
    penalty = fields.Integer()
    score = fields.Integer()
    rank = fields.Integer()


class AuthorRowOut(Schema):
    user_id = fields.Integer()
    name = fields.String()
    tenant_id = fields.Integer()
    items = fields.Integer()
    adopted = fields.Integer()
    score = fields.Integer()
    rank = fields.Integer()


class RankingOut(Schema):
    id = fields.Integer()
    tenant_id = fields.Integer()
    title = fields.String()
    year = fields.Integer()
    period = fields.String()
    period_number = fields.Integer()
    published_at = UtcDateTime()


class LineOut(Schema):
    child_tenant_id = fields.Integer()
    name = fields.String()
    submitted = fields.Integer()
    adopted = fields.Integer()
    points = fields.Integer()
    bonus = fields.Integer()
    penalty = fields.Integer()
    score = fields.Integer()
    rank = fields.Integer()


class PublishedAuthorOut(Schema):
    user_id = fields.Integer()
    name = fields.String()
    items = fields.Integer()
    adopted = fields.Integer()
    score = fields.Integer()
    rank = fields.Integer()
    child_tenant_id = fields.Integer()


class RankingDetailOut(RankingOut):
    lines = fields.List(fields.Nested(LineOut))
    authors = fields.List(fields.Nested(PublishedAuthorOut))


class RankingListQuery(CursorQuery):
    pass
