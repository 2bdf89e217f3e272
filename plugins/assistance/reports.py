"""Reports and documents: register statistics (by level, cause, org unit), the fund
statement, loans outstanding and in arrears, campaign rosters, the annual summary — as
data for pages, .xlsx through :mod:`core.exports`, the annual report as .docx from a
tenant-replaceable template, and the import of an existing register spreadsheet.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, validate, validates
from sqlalchemy import func, select

from core import clock
from core.audit.service import record as audit
from core.calendar import add_months
from core.db import db
from core.documents.member_form import chinese_date, unit_full_name
from core.exports import Column, Sheet, xlsx_bytes
from core.imports import ImportRejected, ImportReport, read_xlsx, rows_to_write
from core.orgs.models import Member, OrgUnit
from core.orgs.schemas import Choice, Text
from core.plugins.types import DocumentTemplateDef
from core.serials import next_serial
from core.tenancy.models import Tenant
from plugins.assistance import ledger
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
from plugins.assistance.services import MAX_INCOME_FEN
from plugins.assistance.workflow import ON_REGISTER, RECORD_FLOW, settings

DEFAULTS = Path(__file__).parent / "defaults"
ANNUAL_NAME = "assistance.annual_report"

ANNUAL_SAMPLE: dict[str, Any] = {
    "unit_full_name": "中共××县委组织部",
    "tenant_name": "××县委组织部",
    "year": "2026",
    "people_total": "25",
    "people_by_level": "特别困难 5 人，比较困难 8 人，一般困难 12 人",
    "new_count": "6",
    "exited_count": "3",
    "income_yuan": "120,000.00",
    "spending_yuan": "86,500.00",
    "balance_yuan": "210,300.00",
    "grants_count": "18",
    "grants_yuan": "32,000.00",
    "loans_count": "4",
    "loans_yuan": "80,000.00",
    "outstanding_yuan": "61,000.00",
    "arrears_count": "1",
    "campaigns": "2026年春节走访慰问（25 户，30,000.00 元）",
    "printed_on": "2027年1月5日",
}

ANNUAL_REPORT = DocumentTemplateDef(
    name=ANNUAL_NAME,
    title=_l("困难党员帮扶工作年度报告"),
    default_path=DEFAULTS / "annual_report.docx",
    sample_context=ANNUAL_SAMPLE,
)


def _on_register():
    return HardshipRecord.state.in_(ON_REGISTER)


# -- Register statistics ------------------------------------------------------------------


def register_stats() -> dict[str, Any]:
    """People on the register by level, category, cause and branch (org unit)."""
    by_level = dict(
        db.session.execute(
            select(HardshipRecord.level, func.count(HardshipRecord.id))
            .where(_on_register())
            .group_by(HardshipRecord.level)
        ).all()
    )
    by_category = dict(
        db.session.execute(
            select(HardshipRecord.category, func.count(HardshipRecord.id))
            .where(_on_register())
            .group_by(HardshipRecord.category)
        ).all()
    )
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
            "member": _member_name(loan.record_id),
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


def _member_name(record_id: int) -> str:
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


def widget_data() -> dict[str, Any]:
    stats = register_stats()
    accounts = ledger.accounts()
    balance = sum(accounts[c].balance_fen for c in ("cash_dues", "cash_general") if c in accounts)
    in_arrears = db.session.scalar(
        select(func.count(func.distinct(Instalment.loan_id))).where(
            Instalment.overdue_since.isnot(None)
        )
    )
    return {
        "by_level": stats["by_level"],
        "total": stats["total"],
        "balance": ledger.yuan(balance),
        "in_arrears": in_arrears or 0,
    }


# -- Spreadsheets -------------------------------------------------------------------------


def register_rows(full_income: bool) -> list[dict[str, Any]]:
    rows = db.session.execute(
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
    ).all()
    return [
        {
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
        for r, m, unit in rows
    ]


def register_xlsx(full_income: bool) -> bytes:
    columns = [
        Column("serial", _("台账编号")),
        Column("name", _("姓名"), 10),
        Column("id_number", _("公民身份号码"), 22),
        Column("branch", _("所属党组织"), 20),
        Column("category", _("类别")),
        Column("level", _("困难程度")),
        Column("causes", _("致困原因"), 30),
        Column("household_size", _("家庭人口"), 10, "int"),
        Column("income", _("家庭年收入（元）"), 16, "money"),
        Column("per_head", _("人均年收入（元）"), 16, "money"),
        Column("state", _("状态")),
        Column("review_due", _("下次复核"), 12, "date"),
    ]
    stats = register_stats()
    summary = [
        Column("group", _("分组")),
        Column("item", _("项目"), 24),
        Column("count", _("人数"), 10, "int"),
    ]
    summary_rows = [
        *({"group": _("困难程度"), "item": t, "count": n} for _k, t, n in stats["by_level"]),
        *({"group": _("致困原因"), "item": t, "count": n} for _k, t, n in stats["by_cause"]),
        *({"group": _("党组织"), "item": u, "count": n} for u, n in stats["by_unit"]),
    ]
    return xlsx_bytes(
        [
            Sheet(
                _("困难党员台账"), columns, register_rows(full_income), caption=_("困难党员台账")
            ),
            Sheet(_("分类统计"), summary, summary_rows),
        ]
    )


def statement_xlsx(start: date | None, end: date | None) -> bytes:
    statement = ledger.statement(start, end)
    columns = [
        Column("name", _("科目"), 20),
        Column("opening_fen", _("期初余额（元）"), 16, "money"),
        Column("increase_fen", _("本期增加（元）"), 16, "money"),
        Column("decrease_fen", _("本期减少（元）"), 16, "money"),
        Column("closing_fen", _("期末余额（元）"), 16, "money"),
    ]
    rows = [
        {
            "name": line.name,
            "opening_fen": line.opening_fen,
            "increase_fen": line.increase_fen,
            "decrease_fen": line.decrease_fen,
            "closing_fen": line.closing_fen,
        }
        for line in statement.lines
    ]
    caption = _("帮扶基金收支明细表 %(start)s 至 %(end)s", start=start or "—", end=end or "—")
    return xlsx_bytes([Sheet(_("基金收支"), columns, rows, caption=caption)])


def loans_xlsx() -> bytes:
    columns = [
        Column("serial", _("借款编号")),
        Column("member", _("借款人"), 10),
        Column("project", _("项目"), 30),
        Column("disbursed_on", _("放款日期"), 12, "date"),
        Column("amount_fen", _("借款金额（元）"), 16, "money"),
        Column("repaid_fen", _("已还（元）"), 14, "money"),
        Column("outstanding_fen", _("未还（元）"), 14, "money"),
        Column("arrears_fen", _("逾期未还（元）"), 16, "money"),
    ]
    return xlsx_bytes([Sheet(_("借款台账"), columns, loans_report()["rows"])])


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


def roster_xlsx(campaign: Campaign) -> bytes:
    columns = [
        Column("name", _("姓名"), 10),
        Column("level", _("困难程度")),
        Column("amount_fen", _("慰问金（元）"), 14, "money"),
        Column("delivered_on", _("送达日期"), 12, "date"),
        Column("signed_by", _("签收人"), 12),
    ]
    return xlsx_bytes([Sheet(_("慰问名单"), columns, roster_rows(campaign), caption=campaign.name)])


# -- The annual summary and report --------------------------------------------------------


def annual_summary(year: int) -> dict[str, Any]:
    start, end = date(year, 1, 1), date(year, 12, 31)
    statement = ledger.statement(start, end)
    stats = register_stats()
    new_count = db.session.scalar(
        select(func.count(HardshipRecord.id)).where(
            HardshipRecord.filed_on >= start, HardshipRecord.filed_on <= end
        )
    )
    exited = db.session.scalar(
        select(func.count(HardshipRecord.id)).where(
            HardshipRecord.exited_on >= start, HardshipRecord.exited_on <= end
        )
    )
    grants_count, grants_fen = db.session.execute(
        select(func.count(Grant.id), func.coalesce(func.sum(Grant.amount_fen), 0)).where(
            Grant.paid_on >= start, Grant.paid_on <= end
        )
    ).one()
    loans_count, loans_fen = db.session.execute(
        select(func.count(Loan.id), func.coalesce(func.sum(Loan.amount_fen), 0)).where(
            Loan.disbursed_on >= start, Loan.disbursed_on <= end
        )
    ).one()
    campaigns = []
    for campaign in db.session.scalars(
        select(Campaign).where(Campaign.starts_on >= start, Campaign.starts_on <= end)
    ):
        n, total = db.session.execute(
            select(
                func.count(CampaignTarget.id), func.coalesce(func.sum(CampaignTarget.amount_fen), 0)
            ).where(
                CampaignTarget.campaign_id == campaign.id, CampaignTarget.posting_id.isnot(None)
            )
        ).one()
        campaigns.append((campaign.name, n, int(total)))
    loans = loans_report()
    return {
        "year": year,
        "statement": statement,
        "stats": stats,
        "new_count": new_count,
        "exited_count": exited,
        "income_fen": sum(line.increase_fen for line in statement.income_lines),
        "spending_fen": sum(line.increase_fen for line in statement.spending_lines),
        "grants_count": grants_count,
        "grants_fen": int(grants_fen),
        "grants_by_kind": list(GRANT_KINDS.items()),
        "loans_count": loans_count,
        "loans_fen": int(loans_fen),
        "outstanding_fen": loans["outstanding_fen"],
        "arrears_count": loans["in_arrears"],
        "campaigns": campaigns,
    }


def annual_context(year: int, tenant: Tenant) -> dict[str, str]:
    """Every key of :data:`ANNUAL_SAMPLE`, as text printed on paper."""
    s = annual_summary(year)
    levels = "，".join(f"{title} {n} 人" for _k, title, n in s["stats"]["by_level"])
    return {
        "unit_full_name": unit_full_name(tenant),
        "tenant_name": tenant.name,
        "year": str(year),
        "people_total": str(s["stats"]["total"]),
        "people_by_level": levels,
        "new_count": str(s["new_count"]),
        "exited_count": str(s["exited_count"]),
        "income_yuan": ledger.yuan(s["income_fen"]),
        "spending_yuan": ledger.yuan(s["spending_fen"]),
        "balance_yuan": ledger.yuan(s["statement"].fund_balance_fen),
        "grants_count": str(s["grants_count"]),
        "grants_yuan": ledger.yuan(s["grants_fen"]),
        "loans_count": str(s["loans_count"]),
        "loans_yuan": ledger.yuan(s["loans_fen"]),
        "outstanding_yuan": ledger.yuan(s["outstanding_fen"]),
        "arrears_count": str(s["arrears_count"]),
        "campaigns": "；".join(
            f"{name}（{n} 户，{ledger.yuan(total)} 元）" for name, n, total in s["campaigns"]
        )
        or "无",
        "printed_on": chinese_date(clock.today()),
    }


# -- Import of an existing register -------------------------------------------------------

IMPORT_HEADERS: dict[str, str] = {
    "公民身份号码": "id_number",
    "姓名": "name",
    "类别": "category",
    "困难程度": "level",
    "致困原因": "causes",
    "家庭人口": "household_size",
    "家庭年收入（元）": "income_yuan",
    "备注": "notes",
}


class RegisterImportRow(Schema):
    """One row of an existing 困难党员台账: the member by ID number (core registry)."""

    id_number = Text(required=True, validate=validate.Length(min=15, max=18))
    name = Text(required=True, validate=validate.Length(max=50))
    category = Choice(CATEGORIES, required=True)
    level = Choice(LEVELS, required=True)
    causes = Text(required=True, validate=validate.Length(max=200))
    household_size = fields.Integer(required=True, validate=validate.Range(min=1, max=30))
    income_yuan = fields.Decimal(required=True, validate=validate.Range(min=0))
    notes = Text(allow_none=True, validate=validate.Length(max=2000))

    @validates("income_yuan")
    def _whole_fen(self, value: Decimal, **_kwargs: Any) -> None:
        if value.as_tuple().exponent < -2:
            raise ValidationError(_("金额最多保留两位小数"))
        if value * 100 > MAX_INCOME_FEN:
            raise ValidationError(_("收入数额不合理，请核对"))

    @validates("causes")
    def _known_causes(self, value: str, **_kwargs: Any) -> None:
        labels = {_(t): k for k, t in CAUSES.items()} | {t: k for k, t in CAUSES.items()}
        unknown = [c for c in _split(value) if c not in labels and c not in CAUSES]
        if unknown:
            raise ValidationError(_("未知的致困原因：%(causes)s", causes="、".join(unknown)))


def _split(text: str) -> list[str]:
    return [c.strip() for c in text.replace("，", "、").replace(",", "、").split("、") if c.strip()]


def _cause_keys(text: str) -> list[str]:
    labels = {t: k for k, t in CAUSES.items()}
    return [c if c in CAUSES else labels[c] for c in _split(text)]


def import_register(stream: IO[bytes], actor, *, valid_only: bool = False) -> ImportReport:
    """Rows checked by the schema, then against the member registry (ID number and name
    must match a member) and the register (no second open record); nothing is written
    unless every row passes, or ``valid_only`` was chosen. Imported records are on the
    register at once (they were identified before), with a history row saying so."""
    from core.orgs.id_numbers import normalize

    report = read_xlsx(stream, RegisterImportRow(), IMPORT_HEADERS)
    members = {}
    for row in report.rows:
        if row.data is None:
            continue
        number = normalize(row.data["id_number"]) or row.data["id_number"]
        member = db.session.scalar(select(Member).where(Member.id_number == number))
        if member is None or member.name != row.data["name"]:
            row.errors.setdefault("id_number", []).append(_("党员信息中没有此身份证号和姓名的党员"))
            continue
        if member.id in members.values():
            row.errors.setdefault("id_number", []).append(_("同一党员在文件中出现多次"))
            continue
        existing = db.session.scalar(
            select(HardshipRecord.serial).where(
                HardshipRecord.member_id == member.id,
                HardshipRecord.state.not_in(("exited", "rejected")),
            )
        )
        if existing:
            row.errors.setdefault("id_number", []).append(
                _("该党员已有台账 %(serial)s", serial=existing)
            )
            continue
        members[row.row_number] = member.id
    try:
        rows_to_write(report, valid_only)  # all or nothing, unless valid_only was chosen
    except ImportRejected:
        return report
    written = 0
    by_row = {row.row_number: row for row in report.valid_rows}
    today = clock.today()
    months = settings()["review_months"]
    for number, row in by_row.items():
        data = row.data
        income = int(data["income_yuan"] * 100)
        record = HardshipRecord(
            serial=next_serial("KN", width=4, year=today.year),
            member_id=members[number],
            applied_on=today,
            category=data["category"],
            level=data["level"],
            causes=_cause_keys(data["causes"]),
            household_income_fen=income,
            household_size=data["household_size"],
            per_head_income_fen=income // data["household_size"],
            documents=[],
            notes=data.get("notes"),
            filed_on=today,
            review_due=add_months(today, months),
        )
        record.state = "registered"
        db.session.add(record)
        # Identified before this system existed: one history row says where it came from.
        RECORD_FLOW._log(record, actor, "import", None, "registered", _("导入已有台账"), {})
        written += 1
    db.session.flush()
    audit("assistance.imported", detail={"rows": written})
    return report
