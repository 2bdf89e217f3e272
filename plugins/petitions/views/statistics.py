"""信访统计 pages: ``/t/<tenant>/petitions/statistics`` with charts, and ``.xlsx`` for the
workbook; permission ``petitions.statistics``; the query: ``period`` = month | quarter |
year | range, ``year``, ``month``, ``quarter``, ``date_from``/``date_to``,
``include_children``."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import abort, g, render_template, request, url_for
from flask_babel import gettext as _

from core import clock
from core.forms import load_form
from core.routing import require_permission
from plugins.petitions.documents.statistics import workbook_response
from plugins.petitions.permissions import STATISTICS as PERMISSION
from plugins.petitions.queries import statistics
from plugins.petitions.queries.statistics import RATES, TOTALS
from plugins.petitions.schemas.statistics import StatisticsForm
from plugins.petitions.views.blueprint import bp


def _query_or_400() -> dict[str, Any]:
    data, errors = load_form(StatisticsForm(), request.args.to_dict())
    if errors:
        abort(400, "；".join(m for msgs in errors.values() for m in msgs))
    return data


@bp.get("/statistics")
def statistics_page():
    require_permission(PERMISSION)
    data, errors = load_form(StatisticsForm(), request.args.to_dict())
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
        export_url=url_for(".statistics_workbook", **export_args),
        this_year=clock.today().year,
    ), (400 if errors else 200)


@bp.get("/statistics.xlsx")
def statistics_workbook():
    require_permission(PERMISSION)
    return workbook_response(statistics.compute(g.tenant, _query_or_400()), g.tenant)
