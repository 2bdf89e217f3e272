"""The fund's accounts, postings, receipts, reversals and statements."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from plugins.assistance.models import (
    SOURCES,
)
from plugins.assistance.schemas.common import Fen, Text


class AccountOut(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    kind = fields.String()
    balance_fen = fields.Integer()


class PostingOut(Schema):
    id = fields.Integer()
    voucher_no = fields.String()
    posted_on = fields.Date()
    debit_account_id = fields.Integer()
    credit_account_id = fields.Integer()
    amount_fen = fields.Integer()
    approval_id = fields.Integer()
    reverses_id = fields.Integer(allow_none=True)
    record_id = fields.Integer(allow_none=True)
    memo = fields.String(allow_none=True)


class ReceiptIn(Schema):
    source = fields.String(required=True, validate=validate.OneOf(list(SOURCES)))
    amount_fen = Fen(required=True)
    document_no = fields.String(required=True, validate=validate.Length(min=1, max=100))
    memo = Text(200)


class ReversalIn(Schema):
    document_no = fields.String(required=True, validate=validate.Length(min=1, max=100))
    memo = Text(200)


class PeriodQuery(Schema):
    start = fields.Date()
    end = fields.Date()

    @validates_schema
    def _in_order(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise ValidationError({"end": [_("结束日期不能早于开始日期")]})


class StatementLineOut(Schema):
    code = fields.String()
    name = fields.String()
    kind = fields.String()
    opening_fen = fields.Integer()
    debit_fen = fields.Integer()
    credit_fen = fields.Integer()
    closing_fen = fields.Integer()
    balance_fen = fields.Integer()


class StatementOut(Schema):
    start = fields.Date(allow_none=True)
    end = fields.Date(allow_none=True)
    fund_balance_fen = fields.Integer()
    repayments_fen = fields.Integer()
    lent_fen = fields.Integer()
    lines = fields.List(fields.Nested(StatementLineOut))
