"""信访统计 for programs: ``/api/v1/t/<tenant>/petitions/statistics`` (JSON) and
``.xlsx``, permission ``petitions.statistics``, the same query as the page."""

from __future__ import annotations

from typing import Any

from flask import g

from core.api.routes import api_route
from core.exports import MIMETYPES
from plugins.petitions.api.blueprint import bp
from plugins.petitions.documents.statistics import workbook_response
from plugins.petitions.permissions import STATISTICS as PERMISSION
from plugins.petitions.queries import statistics
from plugins.petitions.schemas.statistics import StatisticsOut, StatisticsQuery


@api_route(
    bp,
    "/statistics",
    summary="信访统计：按来源、性质、类别、状态、月份、承办人（和下级单位）计数，及各项比率",
    query=StatisticsQuery,
    response=StatisticsOut,
    permission=PERMISSION,
)
def statistics_api(query: dict[str, Any]):
    return statistics.compute(g.tenant, query)


@api_route(
    bp,
    "/statistics.xlsx",
    summary="信访统计（.xlsx）",
    query=StatisticsQuery,
    permission=PERMISSION,
    raw_response=MIMETYPES["xlsx"],
)
def statistics_xlsx(query: dict[str, Any]):
    return workbook_response(statistics.compute(g.tenant, query), g.tenant)
