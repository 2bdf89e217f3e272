"""The effects of the assistance workflows' moves (the declarations are in
:mod:`plugins.assistance.workflow`, which imports this module; this module imports
nothing of it). Each effect runs inside the move's transaction, after its guards: money
moves only here, through :mod:`.fund`, with the approval the move created."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from core import clock
from core.calendar import add_months, add_working_days, period_end
from core.db import db
from core.tenancy.models import Tenant
from plugins.assistance.models import (
    Approval,
    Campaign,
    CampaignTarget,
    Grant,
    HardshipRecord,
    Instalment,
    Loan,
)
from plugins.assistance.queries.records import settings
from plugins.assistance.services import fund

if TYPE_CHECKING:
    from core.auth.users import Actor

Data = Mapping[str, Any]


# -- Identification -----------------------------------------------------------------------


def publish(record: HardshipRecord, _actor: Actor, _data: Data) -> None:
    """张榜公示: the notice period runs the set number of working days from today."""
    record.notice_starts_on = clock.today()
    record.notice_ends_on = add_working_days(clock.today(), settings()["notice_working_days"]).date


def approved(record: HardshipRecord, _actor: Actor, _data: Data) -> None:
    record.approved_on = clock.today()


def file(record: HardshipRecord, _actor: Actor, data: Data) -> None:
    """备案: with the named department, or (a town) with the parent tenant by default."""
    tenant = db.session.get(Tenant, record.tenant_id)
    name = (data.get("filed_with_name") or "").strip()
    if not name and tenant.parent_id is not None:
        parent = db.session.get(Tenant, tenant.parent_id)
        record.filed_with_tenant_id, name = parent.id, parent.name
    record.filed_with_name = name
    record.filed_on = clock.today()
    record.review_due = add_months(clock.today(), settings()["review_months"])


def reviewed(record: HardshipRecord, _actor: Actor, data: Data) -> None:
    if data.get("level"):
        record.level = data["level"]
    record.last_reviewed_on = clock.today()
    record.review_due = add_months(clock.today(), settings()["review_months"])


def exited(record: HardshipRecord, _actor: Actor, _data: Data) -> None:
    record.exited_on = clock.today()
    record.review_due = None


# -- Grants -------------------------------------------------------------------------------


def approve_grant(grant: Grant, actor: Actor, data: Data) -> None:
    approval = fund.approve(
        "grant", grant.amount_fen, actor, subject_id=grant.id, document_no=data.get("document_no")
    )
    grant.approval_id = approval.id


def pay_grant(grant: Grant, actor: Actor, _data: Data) -> None:
    approval = db.session.get(Approval, grant.approval_id)
    postings = fund.spend(
        f"expense_{grant.kind}",
        grant.amount_fen,
        approval,
        actor,
        record_id=grant.record_id,
        memo=_("救助 %(serial)s", serial=grant.serial),
    )
    grant.voucher_no = postings[0].voucher_no
    grant.paid_on = clock.today()


def sign(grant: Grant, _actor: Actor, data: Data) -> None:
    grant.receipt_signed_by = data["signed_by"].strip()
    grant.receipt_signed_on = clock.today()


# -- Loans --------------------------------------------------------------------------------


def assess(loan: Loan, _actor: Actor, data: Data) -> None:
    loan.assessment = data["assessment"].strip()
    loan.assessed_on = clock.today()


def approve_loan(loan: Loan, actor: Actor, data: Data) -> None:
    approval = fund.approve(
        "loan", loan.amount_fen, actor, subject_id=loan.id, document_no=data.get("document_no")
    )
    loan.approval_id = approval.id
    loan.quota_year = clock.today().year


def schedule(amount_fen: int, term_months: int, start: date) -> list[tuple[int, date, int]]:
    """Equal monthly instalments exact to the 分, the remainder on the last one:
    (seq, due date, amount). A due date on a rest day or holiday moves to the next working
    day (the period-end rule), so no instalment is overdue the morning after a Sunday."""
    base = amount_fen // term_months
    rows = [
        (i, period_end(start, i, "months").date, base) for i in range(1, term_months + 1)
    ]
    seq, due, last = rows[-1]
    rows[-1] = (seq, due, last + amount_fen - base * term_months)
    return rows


def disburse(loan: Loan, actor: Actor, _data: Data) -> None:
    approval = db.session.get(Approval, loan.approval_id)
    memo = _("借款 %(serial)s", serial=loan.serial)
    fund.lend(loan.amount_fen, approval, actor, record_id=loan.record_id, memo=memo)
    loan.disbursed_on = clock.today()
    db.session.add_all(
        Instalment(loan_id=loan.id, seq=seq, due_on=due, amount_fen=amount, paid_fen=0)
        for seq, due, amount in schedule(loan.amount_fen, loan.term_months, loan.disbursed_on)
    )


def write_off(loan: Loan, actor: Actor, data: Data) -> None:
    """核销: what is outstanding leaves the receivable, under its own approval."""
    amount = loan.outstanding_fen
    approval = fund.approve(
        "writeoff", amount, actor, subject_id=loan.id, document_no=data.get("document_no")
    )
    memo = _("核销 %(serial)s", serial=loan.serial)
    fund.write_off(amount, approval, actor, loan.record_id, memo)
    loan.written_off_fen += amount
    loan.writeoff_approval_id = approval.id


# -- Campaigns ----------------------------------------------------------------------------


def approve_campaign(campaign: Campaign, actor: Actor, data: Data) -> None:
    """One approval for the whole roster's money; each delivery posts under it."""
    total = db.session.scalar(
        select(func.coalesce(func.sum(CampaignTarget.amount_fen), 0)).where(
            CampaignTarget.campaign_id == campaign.id
        )
    )
    approval = fund.approve(
        "campaign", int(total), actor, subject_id=campaign.id, document_no=data.get("document_no")
    )
    campaign.approval_id = approval.id
