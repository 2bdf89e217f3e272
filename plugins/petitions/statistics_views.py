"""信访统计 for people and programs: a page with charts, an .xlsx, the API, a widget.

``/t/<tenant>/petitions/statistics`` (page; ``.xlsx`` for the workbook) and
``/api/v1/t/<tenant>/petitions/statistics`` (JSON; ``.xlsx`` too), all with permission
``petitions.statistics`` and the same query: ``period`` = month | quarter | year | range,
``year``, ``month``, ``quarter``, ``date_from``/``date_to``, ``include_children``.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta
from typing import Any

from flask import abort, g, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import Schema, fields

from core import clock
from core.api.routes import api_route
from core.exports import MIMETYPES, download_response, xlsx_bytes
from core.forms import load_form
from core.plugins.types import DashboardWidget
from core.routing import require_permission, tenant_blueprint
from plugins.petitions import statistics
from plugins.petitions.statistics import PERMISSION, RATES, TOTALS

pages = tenant_blueprint("petitions_stats", __name__, kind="pages", plugin="petitions")
pages.template_folder = "templates"
api = tenant_blueprint("petitions_stats_api", __name__, kind="api", plugin="petitions")


class BucketOut(Schema):
    key = fields.String()
    title = fields.String()
    count = fields.Integer()


class UnitOut(Schema):
    id = fields.Integer()
    name = fields.String()


class StatisticsOut(Schema):
    title = fields.String()
    date_from = fields.Date()
    date_to = fields.Date()
    units = fields.List(fields.Nested(UnitOut))
    totals = fields.Dict(keys=fields.String(), values=fields.Integer())
    rates = fields.Dict(
        keys=fields.String(),
        values=fields.Float(allow_none=True),
        metadata={"description": "百分比，分母为 0 时为 null"},
    )
    previous_year_total = fields.Integer()
    by_channel = fields.List(fields.Nested(BucketOut))
    by_kind = fields.List(fields.Nested(BucketOut))
    by_category = fields.List(fields.Nested(BucketOut))
    by_state = fields.List(fields.Nested(BucketOut))
    by_month = fields.List(fields.Nested(BucketOut))
    by_handler = fields.List(fields.Nested(BucketOut))
    by_unit = fields.List(fields.Nested(BucketOut))


def _xlsx(stats: statistics.Statistics):
    data = xlsx_bytes(statistics.sheets(stats, g.tenant))
    return download_response(data, statistics.filename(stats, g.tenant), "xlsx")


# -- pages ------------------------------------------------------------------------------


def _query_or_400() -> dict[str, Any]:
    data, errors = load_form(statistics.StatisticsForm(), request.args.to_dict())
    if errors:
        abort(400, "；".join(m for msgs in errors.values() for m in msgs))
    return data


@pages.get("/petitions/statistics")
def page():
    require_permission(PERMISSION)
    data, errors = load_form(statistics.StatisticsForm(), request.args.to_dict())
    query = {} if errors else data
    stats = statistics.compute(g.tenant, query)
    chart = {
        "channel": [asdict(b) for b in stats.by_channel],
        "kind": [asdict(b) for b in stats.by_kind],
        "category": [asdict(b) for b in stats.by_category][:15],
        "month": [asdict(b) for b in stats.by_month],
        "unit": [asdict(b) for b in stats.by_unit],
    }
    export_args = {k: v for k, v in request.args.items() if v and not errors}
    return render_template(
        "petitions/statistics.html",
        stats=stats,
        form=request.args.to_dict(),
        errors=errors,
        totals=[(key, _(title), stats.totals[key]) for key, title in TOTALS.items()],
        rates=[(key, _(title), stats.rates[key]) for key, title in RATES.items()],
        chart=chart,
        has_children=bool(statistics.lower_levels(g.tenant)),
        export_url=url_for(".workbook", **export_args),
        this_year=clock.today().year,
    ), (400 if errors else 200)


@pages.get("/petitions/statistics.xlsx")
def workbook():
    require_permission(PERMISSION)
    return _xlsx(statistics.compute(g.tenant, _query_or_400()))


# -- API --------------------------------------------------------------------------------


@api_route(
    api,
    "/petitions/statistics",
    summary="信访统计：按来源、性质、类别、状态、月份、承办人（和下级单位）计数，及各项比率",
    query=statistics.StatisticsQuery,
    response=StatisticsOut,
    permission=PERMISSION,
)
def statistics_api(query: dict[str, Any]):
    return statistics.compute(g.tenant, query)


@api_route(
    api,
    "/petitions/statistics.xlsx",
    summary="信访统计（.xlsx）",
    query=statistics.StatisticsQuery,
    permission=PERMISSION,
    raw_response=MIMETYPES["xlsx"],
)
def statistics_xlsx(query: dict[str, Any]):
    return _xlsx(statistics.compute(g.tenant, query))


# -- dashboard --------------------------------------------------------------------------


def dashboard_widget(tenant, actor) -> list[DashboardWidget]:
    """This year's main figures and the last six months, as a small bar chart."""
    if not actor.can(PERMISSION):
        return []
    today = clock.today()
    year = statistics.compute(tenant, {"period": "year", "year": today.year}, today)
    start = (today.replace(day=1) - timedelta(days=150)).replace(day=1)
    recent = statistics.compute(
        tenant, {"period": "range", "date_from": start, "date_to": today}, today
    )
    context = {
        "year": today.year,
        "total": year.totals["total"],
        "open_overdue": year.totals["open_overdue"],
        "on_time_rate": year.rates["on_time_rate"],
        "satisfaction_rate": year.rates["satisfaction_rate"],
        "months": [asdict(b) for b in recent.by_month],
        "url": url_for("petitions_stats.page", tenant=tenant.slug),
    }
    return [DashboardWidget(_("信访统计"), "petitions/_statistics_widget.html", context, order=40)]
