"""Reads for the reports page, the dashboard and the exports: register statistics (by
level, category, cause and org unit), loans outstanding and in arrears, a campaign's
roster, the register's rows and the annual summary. Set-based SQL over the tenant's
rows; nothing here writes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, literal, select

from core.db import db
from core.exports import fen_to_yuan
from core.money import yuan
from core.orgs.models import Member, OrgUnit
from plugins.assistance.models import (
    CATEGORIES,
    CAUSES,
    GRANT_KINDS,
    LEVELS,
    Campaign,
    CampaignTarget,
    Grant,
    HardshipRecord,
    Instalment,
    Loan,
)
from plugins.assistance.queries import fund
from plugins.assistance.queries.records import ON_REGISTER, member_name
from plugins.assistance.workflow import RECORD_FLOW


def _on_register():
    return HardshipRecord.state.in_(ON_REGISTER)


# -- Register statistics ------------------------------------------------------------------


def _counted_by(column: Any) -> dict[str, int]:
    query = select(column, func.count(HardshipRecord.id)).where(_on_register()).group_by(column)
    return dict(db.session.execute(query).all())


def register_stats() -> dict[str, Any]:
    """People on the register by level, category, cause and branch (org unit)."""
    by_level, by_category = _counted_by(HardshipRecord.level), _counted_by(HardshipRecord.category)
    by_unit = db.session.execute(
        select(OrgUnit.name, func.count(HardshipRecord.id))
        .select_from(HardshipRecord)
        .join(
            Member,
            (Member.tenant_id == HardshipRecord.tenant_id)
            & (Member.id == HardshipRecord.member_id),
        )
        .outerjoin(
            OrgUnit, (OrgUnit.tenant_id == Member.tenant_id) & (OrgUnit.id == Member.branch_id)
        )
        .where(_on_register())
        .group_by(OrgUnit.name)
        .order_by(func.count(HardshipRecord.id).desc())
    ).all()
    # Causes are a list per record; counted here, over the register's (bounded) size.
    causes: Counter[str] = Counter()
    for row in db.session.scalars(select(HardshipRecord.causes).where(_on_register())):
        causes.update(row or [])
    return {
        "total": sum(by_level.values()),
        "by_level": [(k, _(t), by_level.get(k, 0)) for k, t in LEVELS.items()],
        "by_category": [(k, _(t), by_category.get(k, 0)) for k, t in CATEGORIES.items()],
        "by_cause": [(k, _(t), causes.get(k, 0)) for k, t in CAUSES.items()],
        "by_unit": [(name or _("未分配"), n) for name, n in by_unit],
    }


def loans_report() -> dict[str, Any]:
    """Loans outstanding, and those with instalments in arrears."""
    loans = db.session.scalars(
        select(Loan).where(Loan.state == "disbursed").order_by(Loan.disbursed_on, Loan.id)
    ).all()
    arrears = dict(
        db.session.execute(
            select(
                Instalment.loan_id,
                func.sum(Instalment.amount_fen - Instalment.paid_fen),
            )
            .where(Instalment.overdue_since.isnot(None))
            .group_by(Instalment.loan_id)
        ).all()
    )
    rows = [
        {
            "serial": loan.serial,
            "id": loan.id,
            "project": loan.project,
            "member": member_name(loan.record_id),
            "amount_fen": loan.amount_fen,
            "repaid_fen": loan.repaid_fen,
            "outstanding_fen": loan.outstanding_fen,
            "arrears_fen": int(arrears.get(loan.id, 0)),
            "disbursed_on": loan.disbursed_on,
        }
        for loan in loans
    ]
    return {
        "rows": rows,
        "outstanding_fen": sum(r["outstanding_fen"] for r in rows),
        "in_arrears": sum(1 for r in rows if r["arrears_fen"]),
        "arrears_fen": sum(r["arrears_fen"] for r in rows),
    }


def widget_data() -> dict[str, Any]:
    stats = register_stats()
    accounts = fund.accounts()
    balance = sum(accounts[c].balance_fen for c in ("cash_dues", "cash_general") if c in accounts)
    in_arrears = db.session.scalar(
        select(func.count(func.distinct(Instalment.loan_id))).where(
            Instalment.overdue_since.isnot(None)
        )
    )
    return {
        "by_level": stats["by_level"],
        "total": stats["total"],
        "balance": yuan(balance),
        "in_arrears": in_arrears or 0,
    }


def register_rows(full_income: bool) -> list[dict[str, Any]]:
    return list(iter_register_rows(full_income))


def register_statement() -> Any:
    return (
        select(HardshipRecord, Member, OrgUnit.name)
        .join(
            Member,
            (Member.tenant_id == HardshipRecord.tenant_id)
            & (Member.id == HardshipRecord.member_id),
        )
        .outerjoin(
            OrgUnit, (OrgUnit.tenant_id == Member.tenant_id) & (OrgUnit.id == Member.branch_id)
        )
        .order_by(HardshipRecord.id)
    )


def iter_register_rows(full_income: bool) -> Iterator[dict[str, Any]]:
    """The register's rows, streamed (``yield_per``: an export job's server-side cursor)."""
    result = db.session.execute(register_statement().execution_options(yield_per=500))
    for r, m, unit in result:
        yield {
            "serial": r.serial,
            "name": m.name,
            "id_number": m.masked_id_number,
            "branch": unit or "",
            "category": _(CATEGORIES.get(r.category, r.category)),
            "level": _(LEVELS.get(r.level, r.level)),
            "causes": "、".join(_(CAUSES.get(c, c)) for c in r.causes or []),
            "household_size": r.household_size,
            "income": r.household_income_fen if full_income else None,
            "per_head": r.per_head_income_fen if full_income else None,
            "state": RECORD_FLOW.state_title(r.state),
            "review_due": r.review_due,
        }


def roster_rows(campaign: Campaign) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(CampaignTarget, Member.name)
        .join(
            HardshipRecord,
            (HardshipRecord.tenant_id == CampaignTarget.tenant_id)
            & (HardshipRecord.id == CampaignTarget.record_id),
        )
        .join(
            Member,
            (Member.tenant_id == HardshipRecord.tenant_id)
            & (Member.id == HardshipRecord.member_id),
        )
        .where(CampaignTarget.campaign_id == campaign.id)
        .order_by(CampaignTarget.id)
    ).all()
    return [
        {
            "id": t.id,
            "name": name,
            "level": _(LEVELS.get(t.level, t.level)),
            "amount_fen": t.amount_fen,
            "delivered_on": t.delivered_on,
            "signed_by": t.signed_by or "",
            "paid": t.posting_id is not None,
        }
        for t, name in rows
    ]


# -- The annual summary -----------------------------------------------------------------


def annual_summary(year: int) -> dict[str, Any]:
    """The year's figures for the reports page and the annual report."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    statement = fund.statement(start, end)
    loans = loans_report()
    grants_count, grants_fen = _count_and_sum(Grant.id, Grant.amount_fen, Grant.paid_on, start, end)
    loans_count, loans_fen = _count_and_sum(Loan.id, Loan.amount_fen, Loan.disbursed_on, start, end)
    return {
        "year": year,
        "statement": statement,
        "stats": register_stats(),
        "new_count": _count_and_sum(HardshipRecord.id, None, HardshipRecord.filed_on, start, end)[
            0
        ],
        "exited_count": _count_and_sum(
            HardshipRecord.id, None, HardshipRecord.exited_on, start, end
        )[0],
        "income_fen": sum(line.increase_fen for line in statement.income_lines),
        "spending_fen": sum(line.increase_fen for line in statement.spending_lines),
        "grants_count": grants_count,
        "grants_fen": grants_fen,
        "grants_by_kind": list(GRANT_KINDS.items()),
        "loans_count": loans_count,
        "loans_fen": loans_fen,
        "outstanding_fen": loans["outstanding_fen"],
        "arrears_count": loans["in_arrears"],
        "campaigns": _campaigns_delivered(start, end),
    }


def _count_and_sum(key: Any, amount: Any, day: Any, start: date, end: date) -> tuple[int, int]:
    """Rows whose ``day`` falls in [start, end], and the sum of their ``amount``."""
    total = func.coalesce(func.sum(amount), 0) if amount is not None else literal(0)
    count, summed = db.session.execute(
        select(func.count(key), total).where(day >= start, day <= end)
    ).one()
    return int(count), int(summed)


def _campaigns_delivered(start: date, end: date) -> list[tuple[str, int, int]]:
    """Each campaign started in the period: name, targets delivered, amount delivered."""
    delivered = CampaignTarget.posting_id.isnot(None)
    rows = db.session.execute(
        select(
            Campaign.name,
            func.count(CampaignTarget.id).filter(delivered),
            func.coalesce(func.sum(CampaignTarget.amount_fen).filter(delivered), 0),
        )
        .outerjoin(
            CampaignTarget,
            (CampaignTarget.tenant_id == Campaign.tenant_id)
            & (CampaignTarget.campaign_id == Campaign.id),
        )
        .where(Campaign.starts_on >= start, Campaign.starts_on <= end)
        .group_by(Campaign.id, Campaign.name)
        .order_by(Campaign.id)
    ).all()
    return [(name, int(n), int(total)) for name, n, total in rows]


def chart_data(summary: dict[str, Any]) -> dict[str, Any]:
    """The reports page's charts as core's chart script reads them (``title``,
    ``count``): people by level and by cause, the year's spending by account in yuan
    (exact from 分, as a number for the bar's height)."""
    stats = summary["stats"]
    return {
        "levels": [{"title": title, "count": n} for _k, title, n in stats["by_level"]],
        "causes": [{"title": title, "count": n} for _k, title, n in stats["by_cause"]],
        "spending": [
            {"title": line.name, "count": float(fen_to_yuan(line.increase_fen))}
            for line in summary["statement"].spending_lines
        ],
    }
