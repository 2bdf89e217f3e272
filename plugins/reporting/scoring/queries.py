"""Reads of published rankings, in the reader's granted scope: the ranker reads its own,
a child those published to it, with its own authors' lines only."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, and_, select

from core.db import db
from core.lookup import get_or_404
from plugins.reporting.scoring.models import Ranking, RankingAuthor, RankingLine

_LINE = (
    "child_tenant_id",
    "name",
    "submitted",
    "adopted",
    "points",
    "bonus",
    "penalty",
    "score",
    "rank",
)
_AUTHOR = ("user_id", "name", "items", "adopted", "score", "rank")


def rankings() -> Select:
    return select(Ranking)


def ranking_or_404(ranking_id: int) -> Ranking:
    return get_or_404(Ranking, ranking_id)


def ranking_detail(ranking: Ranking) -> dict[str, Any]:
    lines = db.session.scalars(
        select(RankingLine)
        .where(RankingLine.tenant_id == ranking.tenant_id, RankingLine.ranking_id == ranking.id)
        .order_by(RankingLine.rank, RankingLine.id)
    ).all()
    authors = db.session.execute(
        select(RankingAuthor, RankingLine.child_tenant_id)
        .join(
            RankingLine,
            and_(
                RankingLine.tenant_id == RankingAuthor.tenant_id,
                RankingLine.id == RankingAuthor.line_id,
            ),
        )
        .where(RankingAuthor.tenant_id == ranking.tenant_id, RankingAuthor.ranking_id == ranking.id)
        .order_by(RankingAuthor.rank, RankingAuthor.id)
    ).all()
    names = ("id", "tenant_id", "title", "year", "period", "period_number", "published_at")
    return {
        **{name: getattr(ranking, name) for name in names},
        "lines": [{name: getattr(line, name) for name in _LINE} for line in lines],
        "authors": [
            {**{name: getattr(a, name) for name in _AUTHOR}, "child_tenant_id": child}
            for a, child in authors
        ],
    }
