"""Grants, loans, their instalments, repayments and notes."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from plugins.assistance.models import (
    GRANT_KINDS,
    GUARANTORS,
)
from plugins.assistance.queries.records import instalments
from plugins.assistance.schemas.common import Fen, Id


class GrantIn(Schema):
    record_id = Id(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(list(GRANT_KINDS)))
    amount_fen = Fen(required=True)
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class GrantOut(Schema):
    id = fields.Integer()
    serial = fields.String()
    record_id = fields.Integer()
    kind = fields.String()
    amount_fen = fields.Integer()
    reason = fields.String()
    applied_on = fields.Date()
    state = fields.String()
    approval_id = fields.Integer(allow_none=True)
    voucher_no = fields.String(allow_none=True)
    paid_on = fields.Date(allow_none=True)
    receipt_signed_by = fields.String(allow_none=True)
    receipt_signed_on = fields.Date(allow_none=True)


class LoanIn(Schema):
    record_id = Id(required=True)
    project = fields.String(required=True, validate=validate.Length(min=1, max=200))
    amount_fen = Fen(required=True)
    guarantor_kind = fields.String(required=True, validate=validate.OneOf(list(GUARANTORS)))
    guarantor_name = fields.String(required=True, validate=validate.Length(min=1, max=100))


class InstalmentOut(Schema):
    seq = fields.Integer()
    due_on = fields.Date()
    amount_fen = fields.Integer()
    paid_fen = fields.Integer()
    overdue_since = fields.Date(allow_none=True)


class LoanOut(Schema):
    id = fields.Integer()
    serial = fields.String()
    record_id = fields.Integer()
    project = fields.String()
    amount_fen = fields.Integer()
    term_months = fields.Integer()
    guarantor_kind = fields.String()
    guarantor_name = fields.String()
    applied_on = fields.Date()
    state = fields.String()
    assessment = fields.String(allow_none=True)
    quota_year = fields.Integer(allow_none=True)
    disbursed_on = fields.Date(allow_none=True)
    repaid_fen = fields.Integer()
    written_off_fen = fields.Integer()
    outstanding_fen = fields.Integer()
    instalments = fields.Method("_instalments")

    def _instalments(self, loan):
        return InstalmentOut(many=True).dump(instalments(loan))


class RepaymentIn(Schema):
    amount_fen = Fen(required=True)


class NoteIn(Schema):
    content = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class NoteOut(Schema):
    id = fields.Integer()
    noted_on = fields.Date()
    content = fields.String()
    author_name = fields.String()
