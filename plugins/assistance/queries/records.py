"""Reads of one record and what hangs on it: lookups that answer 404, the tenant's
settings, the member's name, the register's choices, and the counts the workflow's
guards ask for. Nothing here writes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from core.db import db
from core.lookup import get_or_404, get_or_none
from core.orgs.models import Member
from core.plugins.settings import resolved_settings
from core.tenancy.models import Tenant
from core.tenancy.scope import current_tenant_id
from plugins.assistance.models import (
    Campaign,
    CampaignTarget,
    Grant,
    HardshipRecord,
    Instalment,
    Loan,
    LoanNote,
    Objection,
    Pairing,
    PairingLog,
    Posting,
)

PLUGIN = "assistance"
#: States in which a member is on the register (台账在册) and may get help.
ON_REGISTER = ("registered", "under_review")
#: Loan states that count against the year's borrower quota.
ACTIVE_LOAN_STATES = ("approved", "disbursed", "repaid", "written_off")


def settings() -> dict[str, Any]:
    """The assistance settings of the tenant in scope, resolved through its parents."""
    return resolved_settings(db.session.get(Tenant, current_tenant_id()), PLUGIN)


def required_documents(values: Mapping[str, Any] | None = None) -> list[str]:
    """The documents identification requires, from the setting (顿号 or commas)."""
    raw = (values or settings())["required_documents"]
    return [d.strip() for d in raw.replace(",", "、").replace("，", "、").split("、") if d.strip()]


# -- Lookups: another tenant's id, or an id no row can have, is 404 ---------------------


def record_or_404(record_id: Any) -> HardshipRecord:
    return get_or_404(HardshipRecord, record_id)


def grant_or_404(grant_id: Any) -> Grant:
    return get_or_404(Grant, grant_id)


def loan_or_404(loan_id: Any) -> Loan:
    return get_or_404(Loan, loan_id)


def campaign_or_404(campaign_id: Any) -> Campaign:
    return get_or_404(Campaign, campaign_id)


def target_or_404(target_id: Any) -> CampaignTarget:
    return get_or_404(CampaignTarget, target_id)


def objection_or_404(objection_id: Any) -> Objection:
    return get_or_404(Objection, objection_id)


def pairing_or_404(pairing_id: Any) -> Pairing:
    return get_or_404(Pairing, pairing_id)


def posting_or_404(posting_id: Any) -> Posting:
    return get_or_404(Posting, posting_id)


def find_member(member_id: Any) -> Member | None:
    return get_or_none(Member, member_id)


def find_record(record_id: Any) -> HardshipRecord | None:
    return get_or_none(HardshipRecord, record_id)


# -- What a record page shows ------------------------------------------------------------


def member_name(record_id: int) -> str:
    """The name of the member a record is about ("" if the record is not visible)."""
    return (
        db.session.scalar(
            select(Member.name)
            .join(
                HardshipRecord,
                (HardshipRecord.tenant_id == Member.tenant_id)
                & (HardshipRecord.member_id == Member.id),
            )
            .where(HardshipRecord.id == record_id)
        )
        or ""
    )


def members_by_id(member_ids: list[int]) -> dict[int, Member]:
    """The members of a list's rows with their branches, in two statements."""
    if not member_ids:
        return {}
    rows = db.session.scalars(
        select(Member)
        .where(Member.id.in_(sorted(set(member_ids))))
        .options(selectinload(Member.branch))
    )
    return {m.id: m for m in rows}


#: What a list of records shows beside each row (see presenters.records_out).
LIST_LOADS = (selectinload(HardshipRecord.household), selectinload(HardshipRecord.objections))


def member_names(member_ids: list[int]) -> dict[int, str]:
    rows = db.session.execute(select(Member.id, Member.name).where(Member.id.in_(member_ids)))
    return dict(rows.all())


def active_members(limit: int = 500) -> list[Member]:
    """The members an application can be for, by name."""
    query = select(Member).where(Member.is_active).order_by(Member.name).limit(limit)
    return list(db.session.scalars(query))


def register_options() -> list[tuple[int, str]]:
    """Records on the register as (id, "name（serial）") for a select, by name."""
    rows = db.session.execute(
        select(HardshipRecord.id, HardshipRecord.serial, Member.name)
        .join(
            Member,
            (Member.tenant_id == HardshipRecord.tenant_id)
            & (Member.id == HardshipRecord.member_id),
        )
        .where(HardshipRecord.state.in_(ON_REGISTER))
        .order_by(Member.name)
    ).all()
    return [(i, f"{name}（{serial}）") for i, serial, name in rows]


def records_list(filters: Mapping[str, Any], limit: int = 200) -> list[HardshipRecord]:
    """The register, newest first, filtered by state, level and category."""
    query = select(HardshipRecord).order_by(HardshipRecord.id.desc()).limit(limit)
    for field in ("state", "level", "category"):
        if filters.get(field):
            query = query.where(getattr(HardshipRecord, field) == filters[field])
    return list(db.session.scalars(query))


def latest(model: type, limit: int = 200) -> list[Any]:
    """The newest rows of a plugin table (grants, loans, pairings, campaigns…)."""
    return list(db.session.scalars(select(model).order_by(model.id.desc()).limit(limit)))


def of_record(model: type, record_id: int) -> list[Any]:
    """The grants, loans or pairings of one record."""
    return list(db.session.scalars(select(model).where(model.record_id == record_id)))


def open_record_serial(member_id: int) -> str | None:
    """The serial of the member's record still in progress or on the register."""
    return db.session.scalar(
        select(HardshipRecord.serial).where(
            HardshipRecord.member_id == member_id,
            HardshipRecord.state.not_in(("exited", "rejected")),
        )
    )


def open_or_upheld_objections(record: HardshipRecord) -> int:
    if "objections" in record.__dict__:  # loaded with a list's rows (LIST_LOADS)
        return sum(1 for o in record.objections if o.resolved_on is None or o.upheld)
    return db.session.scalar(
        select(func.count(Objection.id)).where(
            Objection.record_id == record.id,
            (Objection.resolved_on.is_(None)) | Objection.upheld,
        )
    )


# -- Loans -------------------------------------------------------------------------------


def instalments(loan: Loan) -> list[Instalment]:
    query = select(Instalment).where(Instalment.loan_id == loan.id).order_by(Instalment.seq)
    return list(db.session.scalars(query))


def loan_notes(loan: Loan) -> list[LoanNote]:
    query = select(LoanNote).where(LoanNote.loan_id == loan.id).order_by(LoanNote.id)
    return list(db.session.scalars(query))


def borrowers_in_year(year: int) -> int:
    """Members granted a loan counted against ``year``'s quota."""
    return db.session.scalar(
        select(func.count(func.distinct(Loan.record_id))).where(
            Loan.quota_year == year, Loan.state.in_(ACTIVE_LOAN_STATES)
        )
    )


def has_loan_in_year(record_id: int, year: int) -> bool:
    """Whether the member already counts in ``year``'s quota (a second loan does not)."""
    found = db.session.scalar(
        select(func.count(Loan.id)).where(
            Loan.quota_year == year,
            Loan.record_id == record_id,
            Loan.state.in_(ACTIVE_LOAN_STATES),
        )
    )
    return bool(found)


# -- Pairings and campaigns ----------------------------------------------------------------


def pairing_logs(pairings: list[Pairing]) -> dict[int, list[PairingLog]]:
    logs: dict[int, list[PairingLog]] = {}
    query = (
        select(PairingLog)
        .where(PairingLog.pairing_id.in_([p.id for p in pairings]))
        .order_by(PairingLog.happened_on)
    )
    for entry in db.session.scalars(query):
        logs.setdefault(entry.pairing_id, []).append(entry)
    return logs


def targets(campaign: Campaign) -> list[CampaignTarget]:
    query = (
        select(CampaignTarget)
        .where(CampaignTarget.campaign_id == campaign.id)
        .order_by(CampaignTarget.id)
    )
    return list(db.session.scalars(query))


def campaign_totals(campaign: Campaign) -> dict[str, int]:
    """Planned and delivered amounts, the number of targets not delivered yet, and what
    the ledger paid out under the campaign's approval (which always agrees with the
    delivered amount)."""
    planned, delivered, waiting = db.session.execute(
        select(
            func.coalesce(func.sum(CampaignTarget.amount_fen), 0),
            func.coalesce(
                func.sum(CampaignTarget.amount_fen).filter(CampaignTarget.posting_id.isnot(None)),
                0,
            ),
            func.count(CampaignTarget.id).filter(CampaignTarget.posting_id.is_(None)),
        ).where(CampaignTarget.campaign_id == campaign.id)
    ).one()
    posted = 0
    if campaign.approval_id:
        posted = db.session.scalar(
            select(func.coalesce(func.sum(Posting.amount_fen), 0)).where(
                Posting.approval_id == campaign.approval_id, Posting.reverses_id.is_(None)
            )
        )
    return {
        "planned_fen": int(planned),
        "delivered_fen": int(delivered),
        "posted_fen": int(posted),
        "undelivered": int(waiting),
    }


def target_count(campaign: Campaign) -> int:
    query = select(func.count(CampaignTarget.id)).where(CampaignTarget.campaign_id == campaign.id)
    return db.session.scalar(query)
