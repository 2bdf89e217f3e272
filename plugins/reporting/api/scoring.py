"""Rankings: the live figures of the tenant's children and authors (RANK), publishing a
ranking, the published ones (each child reads those published to it), and the 通报 as
.docx and .xlsx."""

from __future__ import annotations

from typing import Any

from core import clock
from core.api.pagination import Page, keyset_page
from core.api.routes import api_route
from core.auth.users import current_actor
from core.exports import MIMETYPES, download_response
from plugins.reporting.api.blueprint import bp, reading
from plugins.reporting.permissions import RANK, VIEW
from plugins.reporting.scoring import documents, queries, services
from plugins.reporting.scoring.models import Ranking
from plugins.reporting.scoring.periods import period
from plugins.reporting.scoring.schemas import (
    AuthorRowOut,
    PeriodQuery,
    PublishIn,
    RankingDetailOut,
    RankingListQuery,
    RankingOut,
    RankingQuery,
    RankingRowOut,
    RefreshIn,
    RefreshOut,
)


def _period(values: dict[str, Any]):
    return period(values["period"], values["year"], values.get("number"))


@api_route(
    bp,
    "/ranking",
    summary="下级单位积分排名（按月、季度、年度；实时计算，或按定时汇总）",
    query=RankingQuery,
    response=RankingRowOut,
    many=True,
    permission=RANK,
)
def live_ranking(query: dict[str, Any]):
    return services.live_ranking(_period(query), from_facts=query["source"] == "facts")


@api_route(
    bp,
    "/ranking/refresh",
    methods=["POST"],
    summary="立即重算本单位某年度的排名汇总（定时任务每小时也会重算）",
    body=RefreshIn,
    response=RefreshOut,
    permission=RANK,
)
def refresh_ranking(body: dict[str, Any]):
    year = body.get("year") or clock.today().year
    return {"year": year, "rows": services.refresh_facts(year)}


@api_route(
    bp,
    "/ranking/authors",
    summary="作者积分排名（按月、季度、年度，实时计算）",
    query=PeriodQuery,
    response=AuthorRowOut,
    many=True,
    permission=RANK,
)
def live_author_ranking(query: dict[str, Any]):
    return services.live_author_ranking(_period(query))


@api_route(
    bp,
    "/rankings",
    methods=["POST"],
    summary="发布排名通报（冻结该周期的积分并发给各下级单位）",
    body=PublishIn,
    response=RankingDetailOut,
    status=201,
    permission=RANK,
)
def publish_ranking(body: dict[str, Any]):
    ranking = services.publish_ranking(_period(body), current_actor())
    return queries.ranking_detail(ranking)


@api_route(
    bp,
    "/rankings",
    summary="已发布的排名通报（本单位发布的，及上级发给本单位的）",
    query=RankingListQuery,
    response=RankingOut,
    paginated=True,
    permission=VIEW,
)
def list_rankings(query: dict[str, Any]):
    with reading("rankings"):
        page = keyset_page(
            queries.rankings(), [Ranking.id], cursor=query.get("cursor"), limit=query["limit"]
        )
    return Page(items=page.items, next_cursor=page.next_cursor)


@api_route(
    bp,
    "/rankings/<int:ranking_id>",
    summary="排名通报详情：各单位积分与名次；作者积分（下级只见本单位作者）",
    response=RankingDetailOut,
    permission=VIEW,
)
def get_ranking(ranking_id: int):
    with reading(f"ranking {ranking_id}"):
        return queries.ranking_detail(queries.ranking_or_404(ranking_id))


@api_route(
    bp,
    "/rankings/<int:ranking_id>/docx",
    summary="排名通报（.docx，可替换模板）",
    raw_response=MIMETYPES["docx"],
    permission=VIEW,
)
def ranking_docx(ranking_id: int):
    with reading(f"ranking {ranking_id}: docx"):
        detail = queries.ranking_detail(queries.ranking_or_404(ranking_id))
    return download_response(documents.ranking_docx(detail), documents.filename(detail), "docx")


@api_route(
    bp,
    "/rankings/<int:ranking_id>/xlsx",
    summary="排名通报（.xlsx）",
    raw_response=MIMETYPES["xlsx"],
    permission=VIEW,
)
def ranking_xlsx(ranking_id: int):
    with reading(f"ranking {ranking_id}: xlsx"):
        detail = queries.ranking_detail(queries.ranking_or_404(ranking_id))
    return download_response(documents.ranking_xlsx(detail), documents.filename(detail), "xlsx")
