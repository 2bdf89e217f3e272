"""信访统计 as an .xlsx workbook: the summary sheet, then one sheet per breakdown (the
figures from :func:`plugins.petitions.queries.statistics.compute`)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from core.exports import Column, Sheet, download_response, xlsx_bytes
from core.i18n import N_
from core.tenancy.models import Tenant
from plugins.petitions.queries.statistics import RATES, TOTALS, Bucket, Statistics

_BUCKET_COLUMNS = [Column("title", N_("项目"), 30), Column("count", N_("件数"), 12, "int")]


def _bucket_sheet(title: str, buckets: list[Bucket]) -> Sheet:
    columns = [Column(c.key, _(c.title), c.width, c.kind) for c in _BUCKET_COLUMNS]
    return Sheet(title, columns, [{"title": b.title, "count": b.count} for b in buckets])


def sheets(stats: Statistics, tenant: Tenant) -> list[Sheet]:
    """The statistics as a workbook: the summary, then one sheet per breakdown."""
    summary: list[dict[str, Any]] = [
        {"title": _(title), "value": str(stats.totals[key])} for key, title in TOTALS.items()
    ]
    summary += [
        {"title": _(title), "value": "—" if value is None else f"{value}%"}
        for key, title in RATES.items()
        for value in [stats.rates[key]]
    ]
    summary.append({"title": _("上年同期收到"), "value": str(stats.previous_year_total)})
    caption = _("%(unit)s 信访统计（%(period)s）", unit=tenant.name, period=stats.title)
    result = [
        Sheet(
            _("总体情况"),
            [Column("title", _("指标"), 30), Column("value", _("数值"), 15)],
            summary,
            caption=caption,
        ),
        _bucket_sheet(_("按来源"), stats.by_channel),
        _bucket_sheet(_("按性质"), stats.by_kind),
        _bucket_sheet(_("按问题类别"), stats.by_category),
        _bucket_sheet(_("按状态"), stats.by_state),
        _bucket_sheet(_("按月份"), stats.by_month),
        _bucket_sheet(_("按承办人"), stats.by_handler),
    ]
    if stats.by_unit:
        result.append(_bucket_sheet(_("按单位"), stats.by_unit))
    return result


def filename(stats: Statistics, tenant: Tenant) -> str:
    return f"信访统计_{tenant.name}_{stats.date_from.isoformat()}_{stats.date_to.isoformat()}.xlsx"


def workbook_response(stats: Statistics, tenant: Tenant) -> Any:
    """The statistics as an .xlsx download (the page's and the API's)."""
    data = xlsx_bytes(sheets(stats, tenant))
    return download_response(data, filename(stats, tenant), "xlsx")
