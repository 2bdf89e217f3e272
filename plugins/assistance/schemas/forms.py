"""The assistance pages' forms: the API's schemas (:mod:`.api`) as an HTML form posts
them, read through :func:`core.forms.load_form`.

Each form is the API schema itself with two differences only: the CSRF token and
buttons are dropped (:class:`core.forms.FormSchema`), and amounts are typed in yuan
(:class:`core.money.Yuan`, loaded as 分 under the API field's bounds), under the name
the page's input has (``amount``, ``income``). Household rows post as
``household-<row>-<key>``; a campaign's amounts as ``amount_<level>``.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from marshmallow import ValidationError, fields, pre_load, validate, validates_schema

from core.forms import FormSchema
from core.money import Yuan
from plugins.assistance.models import LEVELS, MAX_AMOUNT_FEN, MAX_INCOME_FEN
from plugins.assistance.schemas.aid import GrantIn, LoanIn
from plugins.assistance.schemas.fund import PeriodQuery, ReceiptIn
from plugins.assistance.schemas.moves import DocumentNoIn
from plugins.assistance.schemas.records import HouseholdIn, RecordIn, RecordListQuery
from plugins.assistance.schemas.visits import CampaignIn, PairingLogIn, YearQuery


def _amount(**kwargs: Any) -> Yuan:
    return Yuan(data_key="amount", minimum=1, maximum=MAX_AMOUNT_FEN, **kwargs)


class HouseholdForm(FormSchema, HouseholdIn):
    annual_income_fen = Yuan(data_key="income", load_default=0, maximum=MAX_INCOME_FEN)


class RecordForm(FormSchema, RecordIn):
    household_income_fen = Yuan(data_key="income", maximum=MAX_INCOME_FEN)
    household = fields.List(
        fields.Nested(HouseholdForm), load_default=list, validate=validate.Length(max=30)
    )


class GrantForm(FormSchema, GrantIn):
    amount_fen = _amount(required=True)


class LoanForm(FormSchema, LoanIn):
    amount_fen = _amount(required=True)


class ReceiptForm(FormSchema, ReceiptIn):
    amount_fen = _amount(required=True)


class RepaymentForm(FormSchema):
    """A repayment: the amount typed, or everything outstanding (``all``)."""

    amount_fen = _amount()
    all = fields.Boolean(load_default=False)

    @validates_schema
    def _amount_or_all(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if not data.get("all") and "amount_fen" not in data:
            raise ValidationError({"amount": [_("须填写还款金额")]})


class PairingLogForm(FormSchema, PairingLogIn):
    amount_fen = Yuan(data_key="amount", load_default=0, maximum=MAX_AMOUNT_FEN)


class CampaignForm(FormSchema, CampaignIn):
    """The amounts come as one input per level (``amount_special``…); only the chosen
    levels' are read."""

    amounts_fen = fields.Dict(
        keys=fields.String(validate=validate.OneOf(list(LEVELS))),
        values=Yuan(minimum=1, maximum=MAX_AMOUNT_FEN),
        load_default=dict,
    )

    @pre_load
    def _amounts_by_level(self, data: dict[str, Any], **_kwargs: Any) -> dict[str, Any]:
        chosen = data.get("levels") or []
        amounts = {
            lv: data[f"amount_{lv}"]
            for lv in LEVELS
            if lv in chosen and str(data.get(f"amount_{lv}") or "").strip()
        }
        return {k: v for k, v in data.items() if not k.startswith("amount_")} | {
            "amounts_fen": amounts
        }


class WriteOffForm(FormSchema, DocumentNoIn):
    """核销 from the confirmation page: the reason is required and the summary shown
    must have been confirmed."""

    comment = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    confirmed = fields.Boolean(required=True)

    @validates_schema
    def _confirmed(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if not data.get("confirmed"):
            raise ValidationError({"confirmed": [_("请确认核销金额和后果")]})


class ImportForm(FormSchema):
    valid_only = fields.Boolean(load_default=False)


class YearForm(FormSchema, YearQuery):
    pass


class PeriodForm(FormSchema, PeriodQuery):
    pass


class RecordFilterForm(FormSchema, RecordListQuery):
    pass


def form_of(schema: type) -> Any:
    """An API schema as a page form: the same fields, extra keys (CSRF) dropped."""
    return schema(unknown=FormSchema.Meta.unknown)
