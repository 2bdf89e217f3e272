"""The roll-up as files: an .xlsx with one sheet per plugin (a row per child, the totals
row, the period and the time of generation in the header), and a .docx report from a
template each tenant may replace (``core.rollup_report``, :mod:`core.documents`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core.documents import member_form
from core.documents import services as documents
from core.exports import Column, Sheet, download_response, to_shanghai, xlsx_bytes
from core.plugins.types import DocumentTemplateDef
from core.rollup.presenters import Col, columns, raw, shown
from core.rollup.service import PluginRollup, Rollup, Row

TEMPLATE = "core.rollup_report"
DEFAULTS = Path(__file__).parent / "defaults"

SAMPLE_CONTEXT: dict[str, Any] = {
    "tenant_name": "××市委组织部",
    "unit_full_name": "中共××市委组织部",
    "title": "汇总报告",
    "node_name": "××市委组织部",
    "period": "2026年第四季度",
    "generated_at": "2026-12-31 09:00",
    "generated_on": "2026年12月31日",
    "sections": [
        {
            "title": "信访",
            "totals": [
                {"title": "收到信访件", "value": "12"},
                {"title": "按期办结率", "value": "91.7%"},
            ],
            "units": [{"name": "××县委组织部", "text": "收到信访件 5，按期办结率 100.0%"}],
        }
    ],
}

DEFINITION = DocumentTemplateDef(
    name=TEMPLATE,
    title=_l("汇总报告"),
    default_path=DEFAULTS / "rollup_report.docx",
    sample_context=SAMPLE_CONTEXT,
)

_KINDS = {"count": "int", "money": "money", "rate": "text"}


def _caption(rollup: Rollup, part: PluginRollup) -> str:
    return _(
        "%(unit)s %(plugin)s汇总　统计周期：%(period)s　生成时间：%(at)s",
        unit=rollup.node.name,
        plugin=part.title,
        period=rollup.period.title,
        at=to_shanghai(rollup.generated_at).strftime("%Y-%m-%d %H:%M"),
    )


def _sheet_row(row: Row, cols: list[Col]) -> dict[str, Any]:
    values: dict[str, Any] = {
        "unit": row.label,
        "state": _("已启用") if row.enabled else _("未启用"),
    }
    for c in cols:
        value = raw(row, c)
        # Rates as text with their sign; counts and 分 as numbers (money shows as yuan).
        values[f"{c.set_key}.{c.key}"] = shown(value, "rate") if c.kind == "rate" else value
    return values


def sheets(rollup: Rollup) -> list[Sheet]:
    result = []
    for part in rollup.plugins:
        cols = columns(part.sets)
        sheet_columns = [Column("unit", _("单位"), 24), Column("state", _("状态"), 8)] + [
            Column(f"{c.set_key}.{c.key}", c.title, 12, _KINDS[c.kind]) for c in cols
        ]
        rows = [_sheet_row(r, cols) for r in [*part.rows, part.total]]
        result.append(Sheet(part.title, sheet_columns, rows, caption=_caption(rollup, part)))
    return result


def _stem(rollup: Rollup) -> str:
    return (
        f"汇总_{rollup.node.name}_{rollup.period.start.isoformat()}_{rollup.period.end.isoformat()}"
    )


def workbook_response(rollup: Rollup) -> Any:
    return download_response(xlsx_bytes(sheets(rollup)), _stem(rollup) + ".xlsx", "xlsx")


def _summary(row: Row, cols: list[Col]) -> str:
    return "，".join(f"{c.title} {shown(raw(row, c), c.kind)}" for c in cols)


def report_context(rollup: Rollup) -> dict[str, Any]:
    """Every key of :data:`SAMPLE_CONTEXT`, for ``rollup``."""
    sections = []
    for part in rollup.plugins:
        cols = columns(part.sets)
        totals = [{"title": c.title, "value": shown(raw(part.total, c), c.kind)} for c in cols]
        units = [
            {"name": r.label, "text": _summary(r, cols) if r.enabled else _("未启用")}
            for r in part.rows
        ]
        sections.append({"title": part.title, "totals": totals, "units": units})
    return {
        "tenant_name": rollup.tenant.name,
        "unit_full_name": member_form.unit_full_name(rollup.tenant),
        "title": _("汇总报告"),
        "node_name": rollup.node.name,
        "period": rollup.period.title,
        "generated_at": to_shanghai(rollup.generated_at).strftime("%Y-%m-%d %H:%M"),
        "generated_on": member_form.chinese_date(to_shanghai(rollup.generated_at).date()),
        "sections": sections,
    }


def report_response(rollup: Rollup) -> Any:
    data = documents.render(TEMPLATE, report_context(rollup), rollup.tenant)
    return download_response(data, _stem(rollup) + ".docx", "docx")
