"""The assistance plugin's documents: the .xlsx exports (register, fund statement, loans,
a campaign's roster, the import template) through :mod:`core.exports`, and the annual
report (.docx) from a tenant-replaceable template."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core import clock
from core.db import db
from core.documents.member_form import chinese_date, unit_full_name
from core.exports import Column, Sheet, xlsx_bytes
from core.money import yuan
from core.orgs.models import Member
from core.plugins.types import DocumentTemplateDef
from core.tenancy.models import Tenant
from plugins.assistance.models import (
    CATEGORIES,
    CAUSES,
    GRANT_KINDS,
    LEVELS,
    Approval,
    Campaign,
    HardshipRecord,
)
from plugins.assistance.permissions import VIEW
from plugins.assistance.queries import fund, reports
from plugins.assistance.queries.records import (
    campaign_or_404,
    find_member,
    grant_or_404,
    record_or_404,
    targets,
)

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


# -- Spreadsheets -------------------------------------------------------------------------


def register_columns() -> list[Column]:
    return [
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


def register_sheet(full_income: bool) -> Sheet:
    return Sheet(
        _("困难党员台账"),
        register_columns(),
        reports.iter_register_rows(full_income),
        caption=_("困难党员台账"),
    )


def register_summary() -> list[Sheet]:
    """分类统计, the sheet after the register."""
    stats = reports.register_stats()
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
    return [Sheet(_("分类统计"), summary, summary_rows)]


def statement_xlsx(start: date | None, end: date | None) -> bytes:
    statement = fund.statement(start, end)
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
    return xlsx_bytes([Sheet(_("借款台账"), columns, reports.loans_report()["rows"])])


def roster_xlsx(campaign: Campaign) -> bytes:
    columns = [
        Column("name", _("姓名"), 10),
        Column("level", _("困难程度")),
        Column("amount_fen", _("慰问金（元）"), 14, "money"),
        Column("delivered_on", _("送达日期"), 12, "date"),
        Column("signed_by", _("签收人"), 12),
    ]
    return xlsx_bytes(
        [Sheet(_("慰问名单"), columns, reports.roster_rows(campaign), caption=campaign.name)]
    )


# -- The annual report ----------------------------------------------------------------------


def annual_context(year: int, tenant: Tenant) -> dict[str, str]:
    """Every key of :data:`ANNUAL_SAMPLE`, as text printed on paper."""
    s = reports.annual_summary(year)
    levels = "，".join(f"{title} {n} 人" for _k, title, n in s["stats"]["by_level"])
    return {
        "unit_full_name": unit_full_name(tenant),
        "tenant_name": tenant.name,
        "year": str(year),
        "people_total": str(s["stats"]["total"]),
        "people_by_level": levels,
        "new_count": str(s["new_count"]),
        "exited_count": str(s["exited_count"]),
        "income_yuan": yuan(s["income_fen"]),
        "spending_yuan": yuan(s["spending_fen"]),
        "balance_yuan": yuan(s["statement"].fund_balance_fen),
        "grants_count": str(s["grants_count"]),
        "grants_yuan": yuan(s["grants_fen"]),
        "loans_count": str(s["loans_count"]),
        "loans_yuan": yuan(s["loans_fen"]),
        "outstanding_yuan": yuan(s["outstanding_fen"]),
        "arrears_count": str(s["arrears_count"]),
        "campaigns": "；".join(
            f"{name}（{n} 户，{yuan(total)} 元）" for name, n, total in s["campaigns"]
        )
        or "无",
        "printed_on": chinese_date(clock.today()),
    }


# -- standard record forms (公示表, 救助审批表, 慰问签收表) ----------------------------------

NOTICE_FORM = "assistance.notice_table"
APPROVAL_FORM = "assistance.approval_form"
RECEIPT_FORM = "assistance.receipt_sheet"

_SIGNATURE = {"unit_full_name": "中共××县委组织部", "printed_on": "2026年1月20日"}

NOTICE_SAMPLE: dict[str, Any] = {
    "serial": "KN-2026-0003",
    "name": "王某某",
    "branch": "东村党支部",
    "category": "农村低收入",
    "level": "比较困难",
    "causes": "因病、缺乏资金",
    "household_size": 3,
    "notice_period": "2026年1月10日至2026年1月16日",
    **_SIGNATURE,
}
APPROVAL_SAMPLE: dict[str, Any] = {
    "serial": "JZ-2026-0005",
    "name": "王某某",
    "branch": "东村党支部",
    "record_serial": "KN-2026-0003",
    "level": "比较困难",
    "kind": "医疗救助",
    "amount": "2,000.00 元",
    "reason": "住院治疗，自付费用较高。",
    "applied_on": "2026年1月12日",
    "approver_name": "张部长",
    "approved_on": "2026年1月15日",
    "document_no": "部务会〔2026〕2号",
    **_SIGNATURE,
}
RECEIPT_SAMPLE: dict[str, Any] = {
    "serial": "2026年春节走访慰问",
    "name": "2026年春节走访慰问",
    "starts_on": "2026年1月20日",
    "rows": [
        {
            "name": "王某某",
            "branch": "东村党支部",
            "level": "比较困难",
            "amount": "500.00",
            "signed": "",
        }
    ],
    **_SIGNATURE,
}


def _signature(tenant_id: int) -> dict[str, str]:
    return {
        "unit_full_name": unit_full_name(db.session.get(Tenant, tenant_id)),
        "printed_on": chinese_date(clock.today()),
    }


def _titles(table: dict[str, str], keys: list[str]) -> str:
    return "、".join(_(table[k]) for k in keys if k in table)


def _member_of(record: HardshipRecord) -> tuple[str, str]:
    member = find_member(record.member_id)
    if member is None:
        return "", ""
    return member.name, member.branch.name if member.branch else ""


def _notice_period(record: HardshipRecord) -> str:
    if record.notice_starts_on is None:
        return ""
    return _(
        "%(start)s至%(end)s",
        start=chinese_date(record.notice_starts_on),
        end=chinese_date(record.notice_ends_on),
    )


def notice_context(record_id: int) -> dict[str, Any]:
    """公示表 of one record (no income: a notice is posted in public)."""
    record = record_or_404(record_id)
    name, branch = _member_of(record)
    return {
        "serial": record.serial,
        "name": name,
        "branch": branch,
        "category": _titles(CATEGORIES, [record.category]),
        "level": _titles(LEVELS, [record.level]),
        "causes": _titles(CAUSES, record.causes or []),
        "household_size": record.household_size,
        "notice_period": _notice_period(record),
        **_signature(record.tenant_id),
    }


def approval_context(grant_id: int) -> dict[str, Any]:
    """救助审批表 of one grant; the approval's lines stay blank until it is approved."""
    grant = grant_or_404(grant_id)
    record = record_or_404(grant.record_id)
    approval = db.session.get(Approval, grant.approval_id) if grant.approval_id else None
    name, branch = _member_of(record)
    return {
        "serial": grant.serial,
        "name": name,
        "branch": branch,
        "record_serial": record.serial,
        "level": _titles(LEVELS, [record.level]),
        "kind": _titles(GRANT_KINDS, [grant.kind]),
        "amount": _("%(amount)s 元", amount=yuan(grant.amount_fen)),
        "reason": grant.reason,
        "applied_on": chinese_date(grant.applied_on),
        "approver_name": approval.approver_name if approval else "",
        "approved_on": chinese_date(approval.approved_on) if approval else "",
        "document_no": (approval.document_no or "") if approval else "",
        **_signature(grant.tenant_id),
    }


def receipt_context(campaign_id: int) -> dict[str, Any]:
    """慰问签收表 of a campaign: a line per target, the signature left for the member."""
    campaign = campaign_or_404(campaign_id)
    listed = targets(campaign)
    records = {
        r.id: r
        for r in db.session.scalars(
            select(HardshipRecord).where(HardshipRecord.id.in_([t.record_id for t in listed]))
        )
    }
    members = {
        m.id: m
        for m in db.session.scalars(
            select(Member).where(Member.id.in_([r.member_id for r in records.values()]))
        )
    }
    rows = []
    for target in listed:
        member = (
            members.get(records[target.record_id].member_id)
            if target.record_id in records
            else None
        )
        rows.append(
            {
                "name": member.name if member else "",
                "branch": member.branch.name if member and member.branch else "",
                "level": _titles(LEVELS, [target.level]),
                "amount": yuan(target.amount_fen),
                "signed": target.signed_by or "",
            }
        )
    return {
        "serial": campaign.name,
        "name": campaign.name,
        "starts_on": chinese_date(campaign.starts_on),
        "rows": rows,
        **_signature(campaign.tenant_id),
    }


RECORD_FORMS = [
    DocumentTemplateDef(
        name=NOTICE_FORM,
        title=_l("困难党员认定公示表"),
        default_path=DEFAULTS / "notice_table.docx",
        sample_context=NOTICE_SAMPLE,
        record_permission=VIEW,
        record_context=notice_context,
    ),
    DocumentTemplateDef(
        name=APPROVAL_FORM,
        title=_l("困难党员救助审批表"),
        default_path=DEFAULTS / "approval_form.docx",
        sample_context=APPROVAL_SAMPLE,
        record_permission=VIEW,
        record_context=approval_context,
    ),
    DocumentTemplateDef(
        name=RECEIPT_FORM,
        title=_l("走访慰问签收表"),
        default_path=DEFAULTS / "receipt_sheet.docx",
        sample_context=RECEIPT_SAMPLE,
        record_permission=VIEW,
        record_context=receipt_context,
    ),
]
