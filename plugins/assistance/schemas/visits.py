"""Pairings with their logs, and campaigns with their targets and deliveries."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from plugins.assistance.models import (
    CATEGORIES,
    LEVELS,
    MAX_AMOUNT_FEN,
)
from plugins.assistance.schemas.common import Fen, Id


class PairingIn(Schema):
    record_id = Id(required=True)
    cadre_name = fields.String(required=True, validate=validate.Length(min=1, max=50))
    goal = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    measures = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)


class PairingOut(Schema):
    id = fields.Integer()
    record_id = fields.Integer()
    cadre_name = fields.String()
    goal = fields.String()
    measures = fields.String()
    starts_on = fields.Date()
    ends_on = fields.Date()


class PairingLogIn(Schema):
    content = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    happened_on = fields.Date()
    amount_fen = fields.Integer(
        strict=True, load_default=0, validate=validate.Range(min=0, max=MAX_AMOUNT_FEN)
    )


class PairingLogOut(Schema):
    id = fields.Integer()
    happened_on = fields.Date()
    content = fields.String()
    amount_fen = fields.Integer()
    posting_id = fields.Integer(allow_none=True)


class CampaignIn(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    starts_on = fields.Date()
    levels = fields.List(
        fields.String(validate=validate.OneOf(list(LEVELS))),
        required=True,
        validate=validate.Length(min=1, max=3),
    )
    categories = fields.List(
        fields.String(validate=validate.OneOf(list(CATEGORIES))), load_default=list
    )
    amounts_fen = fields.Dict(
        keys=fields.String(validate=validate.OneOf(list(LEVELS))),
        values=Fen(),
        required=True,
    )

    @validates_schema
    def _an_amount_per_level(self, data: dict[str, Any], **_kwargs: Any) -> None:
        missing = [lv for lv in data.get("levels", []) if lv not in data.get("amounts_fen", {})]
        if missing:
            titles = "、".join(_(LEVELS[lv]) for lv in missing)
            raise ValidationError({"amounts_fen": [_("须填写慰问金额：%(levels)s", levels=titles)]})


class TargetOut(Schema):
    id = fields.Integer()
    record_id = fields.Integer()
    level = fields.String()
    amount_fen = fields.Integer()
    delivered_on = fields.Date(allow_none=True)
    signed_by = fields.String(allow_none=True)
    posting_id = fields.Integer(allow_none=True)


class CampaignOut(Schema):
    id = fields.Integer()
    name = fields.String()
    starts_on = fields.Date()
    levels = fields.List(fields.String())
    categories = fields.List(fields.String())
    amounts_fen = fields.Dict(keys=fields.String(), values=fields.Integer())
    state = fields.String()
    approval_id = fields.Integer(allow_none=True)


class CampaignDetailOut(CampaignOut):
    targets = fields.List(fields.Nested(TargetOut))
    totals = fields.Dict(keys=fields.String(), values=fields.Integer())


class DeliveryIn(Schema):
    signed_by = fields.String(required=True, validate=validate.Length(min=1, max=50))


class YearQuery(Schema):
    year = fields.Integer(validate=validate.Range(min=2000, max=2100))
