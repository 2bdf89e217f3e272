"""The assistance plugin's documents: the .xlsx exports (register, fund statement, loans,
a campaign's roster, the import template) through :mod:`core.exports`, and the annual
report (.docx) from a tenant-replaceable template."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core import clock
from core.documents.member_form import chinese_date, unit_full_name
from core.exports import Column, Sheet, xlsx_bytes
from core.money import yuan
from core.plugins.types import DocumentTemplateDef
from core.tenancy.models import Tenant
from plugins.assistance.models import Campaign
from plugins.assistance.queries import fund, reports

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
    return xlsx_bytes(
        [
            Sheet(
                _("困难党员台账"),
                columns,
                reports.register_rows(full_income),
                caption=_("困难党员台账"),
            ),
            Sheet(_("分类统计"), summary, summary_rows),
        ]
    )


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
