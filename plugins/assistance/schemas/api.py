"""Marshmallow schemas of the assistance API (they make its OpenAPI document) and of
its pages' forms.

Amounts are integers in 分 (``strict``: ``1.5`` or ``"100"`` is refused, never rounded);
every number has an upper bound so hostile input is a 422, never a database overflow.
A page form is the API's schema with its amounts typed in yuan (:class:`core.money.Yuan`,
loaded as 分 under the same bounds): the ``…Form`` classes in
:mod:`plugins.assistance.schemas.forms`.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from core.api.pagination import CursorQuery
from core.api.transitions import MoveIn
from core.attachments.schemas import AttachmentOut
from core.db import MAX_DB_ID
from plugins.assistance.models import (
    CATEGORIES,
    CAUSES,
    GRANT_KINDS,
    GUARANTORS,
    LEVELS,
    MAX_AMOUNT_FEN,
    MAX_INCOME_FEN,
    RELATIONS,
    SOURCES,
)
from plugins.assistance.queries.records import instalments

Id = lambda **kw: fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_DB_ID), **kw)  # noqa: E731
Fen = lambda **kw: fields.Integer(  # noqa: E731
    strict=True, validate=validate.Range(min=1, max=MAX_AMOUNT_FEN), **kw
)
Text = lambda n, **kw: fields.String(validate=validate.Length(max=n), **kw)  # noqa: E731


class HouseholdIn(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=50))
    relation = fields.String(load_default="other", validate=validate.OneOf(list(RELATIONS)))
    age = fields.Integer(strict=True, allow_none=True, validate=validate.Range(min=0, max=130))
    health = Text(50, allow_none=True)
    annual_income_fen = fields.Integer(
        strict=True, load_default=0, validate=validate.Range(min=0, max=MAX_INCOME_FEN)
    )


class RecordIn(Schema):
    member_id = Id(required=True, metadata={"description": "党员（core 党员信息）编号"})
    category = fields.String(required=True, validate=validate.OneOf(list(CATEGORIES)))
    level = fields.String(required=True, validate=validate.OneOf(list(LEVELS)))
    causes = fields.List(
        fields.String(validate=validate.OneOf(list(CAUSES))),
        required=True,
        validate=validate.Length(min=1, max=len(CAUSES)),
    )
    household_income_fen = fields.Integer(
        strict=True, validate=validate.Range(min=0, max=MAX_INCOME_FEN)
    )
    household_size = fields.Integer(strict=True, validate=validate.Range(min=1, max=30))
    household = fields.List(
        fields.Nested(HouseholdIn), load_default=list, validate=validate.Length(max=30)
    )
    documents = fields.List(Text(50), load_default=list, validate=validate.Length(max=20))
    applied_by_member = fields.Boolean(load_default=True)
    applied_on = fields.Date()
    notes = Text(2000, allow_none=True)
    dues_unpaid_months = fields.Integer(
        strict=True, load_default=0, validate=validate.Range(min=0, max=600)
    )
    rated_unqualified_recently = fields.Boolean(load_default=False)
    under_disciplinary_review = fields.Boolean(load_default=False)


class HouseholdOut(Schema):
    id = fields.Integer()
    name = fields.String()
    relation = fields.String()
    age = fields.Integer(allow_none=True)
    health = fields.String(allow_none=True)
    annual_income_fen = fields.Integer(
        allow_none=True, metadata={"description": "无 assistance.view_income 权限时为 null"}
    )


class ObjectionOut(Schema):
    id = fields.Integer()
    raised_on = fields.Date()
    content = fields.String()
    resolution = fields.String(allow_none=True)
    resolved_on = fields.Date(allow_none=True)
    upheld = fields.Boolean()


class RecordOut(Schema):
    id = fields.Integer()
    serial = fields.String()
    member_id = fields.Integer()
    member_name = fields.String()
    id_number = fields.String(allow_none=True, metadata={"description": "打码的身份证号"})
    branch_name = fields.String(allow_none=True)
    category = fields.String()
    level = fields.String()
    causes = fields.List(fields.String())
    state = fields.String()
    state_title = fields.String()
    applied_on = fields.Date()
    household_size = fields.Integer()
    household_income_fen = fields.Integer(allow_none=True)
    per_head_income_fen = fields.Integer(allow_none=True)
    documents = fields.List(fields.String())
    notice_starts_on = fields.Date(allow_none=True)
    notice_ends_on = fields.Date(allow_none=True)
    approved_on = fields.Date(allow_none=True)
    filed_with_name = fields.String(allow_none=True)
    filed_on = fields.Date(allow_none=True)
    review_due = fields.Date(allow_none=True)
    exited_on = fields.Date(allow_none=True)
    notes = fields.String(allow_none=True)
    household = fields.List(fields.Nested(HouseholdOut))
    objections = fields.List(fields.Nested(ObjectionOut))
    attachments = fields.List(fields.Nested(AttachmentOut))
    actions = fields.List(fields.String(), metadata={"description": "当前用户可执行的操作"})


class RecordListQuery(CursorQuery):
    state = fields.String(validate=validate.Length(max=30))
    level = fields.String(validate=validate.OneOf(list(LEVELS)))
    category = fields.String(validate=validate.OneOf(list(CATEGORIES)))


class DocumentNoIn(MoveIn):
    """A move that books money: the approval's document number (文号), if any."""

    document_no = Text(100)


class FilingIn(MoveIn):
    """Filing with the organization department (a county files with itself by name)."""

    filed_with_name = Text(100)


class LevelIn(MoveIn):
    level = fields.String(validate=validate.OneOf(list(LEVELS)))


class SignatureIn(MoveIn):
    signed_by = Text(50)


class AssessmentIn(MoveIn):
    assessment = Text(2000)


class CloseIn(MoveIn):
    """Closing a campaign: with targets not delivered, only when that is confirmed."""

    confirm_undelivered = fields.Boolean(load_default=False)


#: The body each move takes besides a comment, by workflow name then move (what its
#: guards and effects read); every other move takes :class:`MoveIn`.
MOVE_BODIES: dict[str, dict[str, type[Schema]]] = {
    "assistance_record": {"file": FilingIn, "change_level": LevelIn, "keep": LevelIn},
    "assistance_grant": {"approve": DocumentNoIn, "sign_receipt": SignatureIn},
    "assistance_loan": {
        "assess": AssessmentIn,
        "approve": DocumentNoIn,
        "write_off": DocumentNoIn,
    },
    "assistance_campaign": {"approve": DocumentNoIn, "close": CloseIn},
}


def move_body(workflow: str, move: str) -> type[Schema]:
    """The body schema of ``move`` of ``workflow``."""
    return MOVE_BODIES[workflow].get(move, MoveIn)


class DocumentsIn(Schema):
    documents = fields.List(Text(50), required=True, validate=validate.Length(max=20))


class ObjectionIn(Schema):
    content = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class ResolutionIn(Schema):
    resolution = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    upheld = fields.Boolean(required=True)


# -- Fund -----------------------------------------------------------------------------------


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


# -- Grants, loans ------------------------------------------------------------------------


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


# -- Pairing, campaigns -------------------------------------------------------------------


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
