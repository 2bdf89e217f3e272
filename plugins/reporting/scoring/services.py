"""Computing and publishing rankings.

A tenant ranks its own children: the live figures are one statement each (see
:mod:`.ranking`), run in the ranker's granted scope. Publishing freezes them as a
:class:`~.models.Ranking` in the ranker's rows and grants it to every child ranked, and
each child's line (which governs that child's authors' lines) to that child alone.
"""

from __future__ import annotations

from contextlib import nullcontext
from typing import Any

from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import select

from core import clock
from core.audit.service import record
from core.auth.users import Actor
from core.db import db
from core.tenancy.grants import grant
from core.tenancy.models import Tenant
from core.tenancy.scope import current_scope, current_tenant_id, granted_scope
from plugins.reporting.deadlines import utc
from plugins.reporting.levels import settings_of
from plugins.reporting.scoring import facts
from plugins.reporting.scoring.facts import fast_ranking
from plugins.reporting.scoring.models import Ranking, RankingAuthor, RankingLine
from plugins.reporting.scoring.periods import Period
from plugins.reporting.scoring.ranking import ScoringTable, author_ranking, rows, tenant_ranking


def scoring_table(tenant_id: int | None = None) -> ScoringTable:
    """The ranker's scoring table, layered like every setting (a province's is its
    cities' default)."""
    return ScoringTable.of(settings_of(tenant_id or current_tenant_id()))


def live_ranking(period: Period, *, from_facts: bool = False) -> list[dict[str, Any]]:
    """The tenant in scope's children, scored and ranked for ``period``: from the rows
    sent to it (exact, now), or from its ranking facts (as of their last refresh; fast
    for thousands of children)."""
    ranker = current_tenant_id()
    build = fast_ranking if from_facts else tenant_ranking
    # Granted either way: the facts path still checks 约稿 answers among the children's items.
    with _granted(f"ranking {period.kind} {period.year}/{period.number}"):
        return rows(build(ranker, period, scoring_table(ranker)))


def _granted(what: str) -> Any:
    """The granted read a ranking needs: its own audited opening, unless the caller (a
    page showing several rankings) already opened one, whose audit entry covers it."""
    if current_scope().grants:
        return nullcontext()
    return granted_scope(f"reporting: {what}")


def refresh_facts(year: int | None = None) -> int:
    """Rebuild the tenant in scope's ranking facts of ``year`` (default: this year)."""
    year = year or clock.today().year
    written = facts.refresh(current_tenant_id(), year)
    record("reporting.facts_refreshed", detail={"year": year, "rows": written})
    return written


def live_author_ranking(period: Period) -> list[dict[str, Any]]:
    """The authors of the items the tenant in scope received in ``period``, ranked."""
    ranker = current_tenant_id()
    with _granted(f"author ranking {period.kind} {period.year}/{period.number}"):
        return rows(author_ranking(ranker, period, scoring_table(ranker)))


def ranking_title(period: Period) -> str:
    tenant = db.session.get(Tenant, current_tenant_id())
    return _("%(unit)s组工信息积分排名通报（%(period)s）", unit=tenant.name, period=period.label)


def publish_ranking(period: Period, actor: Actor) -> Ranking:
    """Freeze ``period``'s ranking and publish it to the children (once per period)."""
    existing = db.session.scalar(
        select(Ranking).where(
            Ranking.year == period.year,
            Ranking.period == period.kind,
            Ranking.period_number == period.number,
        )
    )
    if existing is not None:
        raise ValidationError({"period": [_("该周期的排名已经发布")]})
    lines, authors = live_ranking(period), live_author_ranking(period)
    ranking = Ranking(
        year=period.year,
        period=period.kind,
        period_number=period.number,
        title=ranking_title(period),
        published_at=utc(clock.now()),
        published_by=actor.user_id,
    )
    db.session.add(ranking)
    db.session.flush()
    by_child = _add_lines(ranking, lines)
    first_author = _add_authors(ranking, authors, by_child)
    for child_id in by_child:
        grant(ranking, child_id, "reporting: ranking published to the children")
        if child_id in first_author:
            # Any author row names its line's grant (kind ranking line, the line's id).
            grant(first_author[child_id], child_id, "reporting: a unit reads its authors")
    record("reporting.ranking_published", obj=ranking, detail={"children": len(by_child)})
    return ranking


_LINE_FIELDS = ("submitted", "adopted", "points", "bonus", "penalty", "score", "rank")


def _add_lines(ranking: Ranking, lines: list[dict[str, Any]]) -> dict[int, RankingLine]:
    by_child = {}
    for row in lines:
        line = RankingLine(
            ranking_id=ranking.id,
            child_tenant_id=row["tenant_id"],
            name=row["name"],
            **{name: int(row[name]) for name in _LINE_FIELDS},
        )
        db.session.add(line)
        by_child[row["tenant_id"]] = line
    db.session.flush()
    return by_child


def _add_authors(
    ranking: Ranking, authors: list[dict[str, Any]], by_child: dict[int, RankingLine]
) -> dict[int, RankingAuthor]:
    """The author lines; returns each unit's first one (to grant the unit its list)."""
    first: dict[int, RankingAuthor] = {}
    for row in authors:
        line = by_child.get(row["tenant_id"])
        if line is None:  # a unit that no longer enables reporting: not ranked
            continue
        author = RankingAuthor(
            ranking_id=ranking.id,
            line_id=line.id,
            user_id=row["user_id"],
            name=row["name"],
            items=int(row["items"]),
            adopted=int(row["adopted"]),
            score=int(row["score"]),
            rank=int(row["rank"]),
        )
        db.session.add(author)
        first.setdefault(row["tenant_id"], author)
    db.session.flush()
    return first
