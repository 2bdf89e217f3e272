"""The ranker's monthly ranking facts: rebuilt set-based, read by the fast ranking.

:func:`refresh` runs the live per-item statement once (in the ranker's granted scope,
so it reads exactly what was sent to it), sums it per child, month and document type,
and replaces the year's facts in the ranker's own rows. :func:`fast_ranking` then scores
any month, quarter or year from those few rows with the same formulas as the live
ranking, so both give the same figures for the same data.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, delete, func, insert, select

from core import clock
from core.db import db
from core.tenancy.scope import granted_scope
from core.tenancy.session import TENANT_CHECKED
from plugins.reporting.deadlines import utc
from plugins.reporting.scoring.models import RankingFact
from plugins.reporting.scoring.periods import Period, period
from plugins.reporting.scoring.ranking import (
    LEVEL_ORDER,
    ScoringTable,
    per_child_sums,
    ranked,
    received_items,
)

#: The summed figures (``submitted`` is the count of items).
SUMMED = (
    "adopted",
    "late",
    *[f"{kind}_{level}" for kind in ("top", "any", "instr") for level in LEVEL_ORDER],
)


def refresh(ranker: int, year: int) -> int:
    """Rebuild ``ranker``'s facts of ``year``; returns how many rows it wrote."""
    items = received_items(ranker, *period("year", year).bounds)
    sums = select(
        items.c.child,
        items.c.month,
        items.c.doc_type,
        func.count().label("submitted"),
        *[func.sum(getattr(items.c, name)).label(name) for name in SUMMED],
    ).group_by(items.c.child, items.c.month, items.c.doc_type)
    with granted_scope(f"reporting: ranking facts {year}"):
        rows = db.session.execute(sums).all()
    db.session.execute(
        delete(RankingFact).where(
            RankingFact.tenant_id == ranker,
            RankingFact.month >= date(year, 1, 1),
            RankingFact.month < date(year + 1, 1, 1),
        )
    )
    if rows:
        now = utc(clock.now())
        values = [
            {
                "tenant_id": ranker,
                "child_tenant_id": row.child,
                "month": row.month,
                "doc_type": row.doc_type,
                "submitted": row.submitted,
                **{name: int(getattr(row, name)) for name in SUMMED},
                "refreshed_at": now,
                "created_at": now,
            }
            for row in rows
        ]
        # The rows are stamped with the ranker, the tenant in scope: checked by hand.
        db.session.execute(insert(RankingFact).execution_options(**{TENANT_CHECKED: True}), values)
    return len(rows)


def _months(when: Period) -> tuple[date, date]:
    start, end = when.bounds
    return start.astimezone(clock.TZ).date(), end.astimezone(clock.TZ).date()


def fast_ranking(ranker: int, when: Period, table: ScoringTable) -> Select:
    """The ranking of ``ranker``'s children from its facts (as of their last refresh)."""
    first, last = _months(when)
    facts = (
        select(
            RankingFact.child_tenant_id.label("child"),
            RankingFact.doc_type,
            RankingFact.submitted,
            *[getattr(RankingFact, name) for name in SUMMED],
        )
        .where(
            RankingFact.tenant_id == ranker, RankingFact.month >= first, RankingFact.month < last
        )
        .subquery("facts")
    )
    return ranked(ranker, when, table, per_child_sums(facts, table, func.sum(facts.c.submitted)))


def refreshed_at(ranker: int) -> object:
    return db.session.scalar(
        select(func.max(RankingFact.refreshed_at)).where(RankingFact.tenant_id == ranker)
    )
