"""Quotas: the parent sets a child's quota for a period; the parent reads its children's
completion, a child its own (quotas granted to it)."""

from __future__ import annotations

from typing import Any

from core.api.routes import api_route
from plugins.reporting.api.blueprint import bp, reading
from plugins.reporting.permissions import RANK, VIEW
from plugins.reporting.quotas import queries, services
from plugins.reporting.quotas.schemas import CompletionOut, QuotaIn, QuotaQuery
from plugins.reporting.scoring.periods import period


@api_route(
    bp,
    "/quotas",
    methods=["PUT"],
    summary="下达（或修改）一个下级单位某周期的报送任务（总数及各类别最低数量）",
    body=QuotaIn,
    response=CompletionOut,
    permission=RANK,
)
def set_quota(body: dict[str, Any]):
    quota = services.set_quota(body)
    when = period(quota.period, quota.year, quota.period_number)
    with reading("quota set"):
        return next(row for row in queries.completion(when) if row["id"] == quota.id)


@api_route(
    bp,
    "/quotas",
    summary="报送任务完成情况：上级看各下级，下级看本单位",
    query=QuotaQuery,
    response=CompletionOut,
    many=True,
    permission=VIEW,
)
def quota_completion(query: dict[str, Any]):
    with reading("quota completion"):
        return queries.completion(period(query["period"], query["year"], query.get("number")))
