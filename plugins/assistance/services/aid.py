"""Writes of relief grants (无偿救济) and revolving loans (有偿扶助): an application, a
repayment, a note on the loan's project.

The application functions take what the API's schemas (``GrantIn``, ``LoanIn``)
loaded; they check only what needs the database: the record is on the register.
Money moves in the workflow's effects (:mod:`.moves`) and in :func:`repay_loan`,
always through :mod:`.fund`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import select

from core import clock
from core.audit.service import record as audit
from core.db import db
from core.locking import lock_for_update
from core.money import yuan
from core.serials import next_serial
from core.workflow import IllegalTransition
from plugins.assistance.models import Grant, HardshipRecord, Instalment, Loan, LoanNote
from plugins.assistance.permissions import PAY, REGISTER
from plugins.assistance.queries import records
from plugins.assistance.queries.records import ON_REGISTER
from plugins.assistance.services import fund
from plugins.assistance.services.checks import amount as checked_amount
from plugins.assistance.services.checks import require
from plugins.assistance.workflow import GRANT_FLOW, LOAN_FLOW

if TYPE_CHECKING:
    from core.auth.users import Actor


def on_register(record_id: Any) -> HardshipRecord:
    """The record help is asked for, which must be on the register (台账在册)."""
    record = records.find_record(record_id)
    if record is None:
        raise ValidationError({"record_id": [_("台账记录不存在")]})
    if record.state not in ON_REGISTER:
        raise ValidationError({"record_id": [_("该党员不在困难党员台账内")]})
    return record


def apply_grant(data: Mapping[str, Any], actor: Actor) -> Grant:
    require(actor, REGISTER)
    record = on_register(data["record_id"])
    grant = Grant(
        serial=next_serial("JZ", width=4),
        record_id=record.id,
        kind=data["kind"],
        amount_fen=checked_amount(data["amount_fen"], "amount_fen"),
        reason=data["reason"].strip(),
        applied_on=clock.today(),
    )
    db.session.add(grant)
    GRANT_FLOW.start(grant, actor)
    return grant


def apply_loan(data: Mapping[str, Any], actor: Actor) -> Loan:
    require(actor, REGISTER)
    record = on_register(data["record_id"])
    loan = Loan(
        serial=next_serial("JK", width=4),
        record_id=record.id,
        project=data["project"].strip(),
        amount_fen=checked_amount(data["amount_fen"], "amount_fen"),
        term_months=records.settings()["loan_term_months"],
        guarantor_kind=data["guarantor_kind"],
        guarantor_name=data["guarantor_name"].strip(),
        applied_on=clock.today(),
        repaid_fen=0,
        written_off_fen=0,
    )
    db.session.add(loan)
    LOAN_FLOW.start(loan, actor)
    return loan


def repay_loan(loan: Loan, amount_fen: Any, actor: Actor) -> Loan:
    """A repayment (or an early repayment of everything outstanding): into the fund,
    against the earliest unpaid instalments; the loan settles when nothing is left."""
    require(actor, PAY)
    amount = checked_amount(amount_fen, "amount_fen")
    # Outstanding and state as committed: two repayments of the rest cannot both pass.
    lock_for_update(loan)
    if loan.state != "disbursed":
        raise IllegalTransition(_("该借款不在还款期"))
    if amount > loan.outstanding_fen:
        message = _("还款额超过未还本金 %(amount)s 元", amount=yuan(loan.outstanding_fen))
        raise ValidationError({"amount_fen": [message]})
    approval = fund.approve("repayment", amount, actor, subject_id=loan.id)
    fund.repay(amount, approval, actor, loan.record_id, _("还款 %(serial)s", serial=loan.serial))
    _against_instalments(loan, amount)
    loan.repaid_fen += amount
    audit("assistance.repayment", obj=loan, detail={"amount_fen": amount})
    if loan.outstanding_fen == 0:
        LOAN_FLOW.fire(loan, "settle", actor)
    return loan


def _against_instalments(loan: Loan, amount: int) -> None:
    """Pay ``amount`` off the earliest unpaid instalments first."""
    left = amount
    for instalment in db.session.scalars(
        select(Instalment)
        .where(Instalment.loan_id == loan.id, Instalment.paid_fen < Instalment.amount_fen)
        .order_by(Instalment.seq)
    ):
        take = min(left, instalment.amount_fen - instalment.paid_fen)
        instalment.paid_fen += take
        if instalment.paid_fen == instalment.amount_fen:
            instalment.overdue_since = None
        left -= take
        if not left:
            break


def add_loan_note(loan: Loan, content: str, actor: Actor) -> LoanNote:
    require(actor, REGISTER)
    if not (content or "").strip():
        raise ValidationError({"content": [_("须填写项目进展")]})
    note = LoanNote(
        loan_id=loan.id, noted_on=clock.today(), content=content.strip(), author_name=actor.name
    )
    db.session.add(note)
    db.session.flush()
    return note
