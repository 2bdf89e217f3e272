"""A round of 统计报表上报 as files: an .xlsx with one sheet per plugin (a row per child
with its submitted snapshot, the totals row over the snapshots, the period, the due date
and the time of generation in the header), and a .docx report from a template each
tenant may replace (``core.round_report``, :mod:`core.documents`), in the official format
as the roll-up's 汇总报告."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core import clock
from core.documents import member_form
from core.documents import services as documents
from core.exports import Column, Sheet, download_response, to_shanghai, xlsx_bytes
from core.plugins.types import DocumentTemplateDef
from core.rollup.presenters import Col, shown
from core.rollup.service import PluginRollup
from core.rounds.figures import Figures
from core.rounds.presenters import Section, sections, state_title, submitted_at, value
from core.rounds.service import Overview
from core.tenancy.models import Tenant

TEMPLATE = "core.round_report"
DEFAULTS = Path(__file__).parent / "defaults"

SAMPLE_CONTEXT: dict[str, Any] = {
    "tenant_name": "××市委组织部",
    "unit_full_name": "中共××市委组织部",
    "title": "2026年第四季度信访统计上报汇总",
    "period": "2026年第四季度",
    "due_on": "2027-01-10",
    "generated_at": "2027-01-11 09:00",
    "generated_on": "2027年1月11日",
    "progress": "已上报 1 / 2 个单位，逾期未报：××县委组织部",
    "sections": [
        {
            "title": "信访",
            "totals": [{"title": "收到信访件", "value": "12"}],
            "units": [
                {"name": "××县委组织部", "state": "已上报", "text": "收到信访件 12"},
                {"name": "××区委组织部", "state": "待上报（逾期）", "text": "未上报"},
            ],
        }
    ],
}

DEFINITION = DocumentTemplateDef(
    name=TEMPLATE,
    title=_l("上报汇总报告"),
    default_path=DEFAULTS / "round_report.docx",
    sample_context=SAMPLE_CONTEXT,
)

_KINDS = {"count": "int", "money": "money", "rate": "text"}


def _at(moment: datetime) -> str:
    return to_shanghai(moment).strftime("%Y-%m-%d %H:%M")


def _cell(section: Section, figures: Figures | None, col: Col, parts: list[PluginRollup]) -> Any:
    """A number for the sheet (rates as text with their sign; 分 shown as yuan by the sheet)."""
    if figures is None:
        return None
    found = value(section, figures, col, parts)
    return shown(found, "rate") if col.kind == "rate" else found


def _sheet(view: Overview, parts: list[PluginRollup], section: Section, at: datetime) -> Sheet:
    opened = view.round
    keys = {c: f"{c.set_key}.{c.key}" for c in section.cols}
    sheet_columns = [
        Column("unit", _("单位"), 24),
        Column("state", _("状态"), 12),
        Column("at", _("上报时间"), 18),
    ] + [Column(keys[c], c.title, 12, _KINDS[c.kind]) for c in section.cols]
    rows = []
    for line in view.lines:
        sub = line.submission if line.state == "submitted" else None
        row = {"unit": line.node.name, "state": state_title(line), "at": submitted_at(sub)}
        rows.append(
            row
            | {
                keys[c]: _cell(section, sub.figures if sub else None, c, parts)
                for c in section.cols
            }
        )
    total = {"unit": _("合计（已上报）"), "state": "", "at": ""}
    total |= {keys[c]: _cell(section, view.totals, c, parts) for c in section.cols}
    caption = _(
        "%(title)s　统计周期：%(period)s　截止日期：%(due)s　生成时间：%(at)s",
        title=opened.title,
        period=opened.period_title,
        due=opened.due_on.isoformat(),
        at=_at(at),
    )
    return Sheet(section.title, sheet_columns, [*rows, total], caption=caption)


def workbook_response(view: Overview, parts: list[PluginRollup]) -> Any:
    at = clock.now()
    sheets = [_sheet(view, parts, section, at) for section in sections(parts)]
    return download_response(xlsx_bytes(sheets), f"上报_{view.round.title}.xlsx", "xlsx")


def _summary(section: Section, figures: Figures, parts: list[PluginRollup]) -> str:
    return "，".join(
        f"{c.title} {shown(value(section, figures, c, parts), c.kind)}" for c in section.cols
    )


def report_context(tenant: Tenant, view: Overview, parts: list[PluginRollup]) -> dict[str, Any]:
    """Every key of :data:`SAMPLE_CONTEXT`, for the round of ``view``."""
    at = clock.now()
    result = []
    for section in sections(parts):
        totals = [
            {"title": c.title, "value": shown(value(section, view.totals, c, parts), c.kind)}
            for c in section.cols
        ]
        units = []
        for line in view.lines:
            sub = line.submission if line.state == "submitted" else None
            text = _summary(section, sub.figures or {}, parts) if sub else _("未上报")
            units.append({"name": line.node.name, "state": state_title(line), "text": text})
        result.append({"title": section.title, "totals": totals, "units": units})
    progress = _("已上报 %(n)s / %(m)s 个单位", n=len(view.submitted), m=len(view.lines))
    if view.late:
        late = "、".join(line.node.name for line in view.late)
        progress += _("，逾期未报：%(units)s", units=late)
    return {
        "tenant_name": tenant.name,
        "unit_full_name": member_form.unit_full_name(tenant),
        "title": _("%(title)s上报汇总", title=view.round.title),
        "period": view.round.period_title,
        "due_on": view.round.due_on.isoformat(),
        "generated_at": _at(at),
        "generated_on": member_form.chinese_date(to_shanghai(at).date()),
        "progress": progress,
        "sections": result,
    }


def report_response(tenant: Tenant, view: Overview, parts: list[PluginRollup]) -> Any:
    data = documents.render(TEMPLATE, report_context(tenant, view, parts), tenant)
    return download_response(data, f"上报_{view.round.title}.docx", "docx")
