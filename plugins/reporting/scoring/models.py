"""A published ranking (排名通报): the figures of one period frozen when the ranking tenant
publishes them, so the children read the same numbers the bulletin printed.

Each child reads the ranking and every child's line (a 通报 names every unit's score and
rank, never an item), through a grant of the ranking. Author lines are governed by their
unit's line, granted to that unit alone: a child reads its own authors' scores only.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, BigId, TenantOwned, tenant_fk
from core.tenancy.grants import Grantable

RANKING_KIND = "reporting_ranking"
RANKING_LINE_KIND = "reporting_ranking_line"


class Ranking(TenantOwned, Base):
    """One published ranking of a tenant's children for a period."""

    __tablename__ = "reporting_rankings"
    __grantable__ = Grantable(kind=RANKING_KIND)
    __tenant_args__ = (UniqueConstraint("tenant_id", "year", "period", "period_number"),)

    year: Mapped[int] = mapped_column(Integer)
    period: Mapped[str] = mapped_column(String(10))
    period_number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    published_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))


class RankingLine(TenantOwned, Base):
    """A child's figures, score and rank in a published ranking."""

    __tablename__ = "reporting_ranking_lines"
    __grantable__ = Grantable(kind=RANKING_KIND, id_column="ranking_id")
    __tenant_args__ = (
        tenant_fk("ranking_id", "reporting_rankings", ondelete="CASCADE"),
        UniqueConstraint("tenant_id", "ranking_id", "child_tenant_id"),
    )

    ranking_id: Mapped[int] = mapped_column(BigId)
    child_tenant_id: Mapped[int] = mapped_column(BigId, ForeignKey("tenants.id"))
    name: Mapped[str] = mapped_column(String(200))
    submitted: Mapped[int] = mapped_column(Integer)
    adopted: Mapped[int] = mapped_column(Integer)
    points: Mapped[int] = mapped_column(Integer)
    bonus: Mapped[int] = mapped_column(Integer)
    penalty: Mapped[int] = mapped_column(Integer)
    score: Mapped[int] = mapped_column(Integer)
    rank: Mapped[int] = mapped_column(Integer)


class RankingAuthor(TenantOwned, Base):
    """An author's score in a published ranking, readable by the author's unit only."""

    __tablename__ = "reporting_ranking_authors"
    __grantable__ = Grantable(kind=RANKING_LINE_KIND, id_column="line_id")
    __tenant_args__ = (
        tenant_fk("line_id", "reporting_ranking_lines", ondelete="CASCADE"),
        UniqueConstraint("tenant_id", "line_id", "user_id"),
        Index("ix_reporting_ranking_authors_tenant_id_ranking", "tenant_id", "ranking_id"),
    )

    ranking_id: Mapped[int] = mapped_column(BigId)
    line_id: Mapped[int] = mapped_column(BigId)
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id"))
    name: Mapped[str] = mapped_column(String(50))
    items: Mapped[int] = mapped_column(Integer)
    adopted: Mapped[int] = mapped_column(Integer)
    score: Mapped[int] = mapped_column(Integer)
    rank: Mapped[int] = mapped_column(Integer)


class RankingFact(TenantOwned, Base):
    """The ranker's monthly sums of what one child sent it, per document type: the
    table-free figures of :func:`~plugins.reporting.scoring.ranking.received_items`,
    added up. Rebuilt set-based by :func:`~plugins.reporting.scoring.facts.refresh` (a
    periodic job, and on demand), so a year's ranking of thousands of children reads a
    few rows of the ranker's own instead of every granted row under row-level security.
    """

    __tablename__ = "reporting_ranking_facts"
    __tenant_args__ = (UniqueConstraint("tenant_id", "month", "child_tenant_id", "doc_type"),)

    child_tenant_id: Mapped[int] = mapped_column(BigId, ForeignKey("tenants.id"))
    #: The first day of the month (Beijing time) the items arrived in.
    month: Mapped[date] = mapped_column(Date)
    doc_type: Mapped[str] = mapped_column(String(20))
    submitted: Mapped[int] = mapped_column(Integer)
    adopted: Mapped[int] = mapped_column(Integer)
    late: Mapped[int] = mapped_column(Integer)
    top_county: Mapped[int] = mapped_column(Integer)
    top_city: Mapped[int] = mapped_column(Integer)
    top_province: Mapped[int] = mapped_column(Integer)
    top_centre: Mapped[int] = mapped_column(Integer)
    any_county: Mapped[int] = mapped_column(Integer)
    any_city: Mapped[int] = mapped_column(Integer)
    any_province: Mapped[int] = mapped_column(Integer)
    any_centre: Mapped[int] = mapped_column(Integer)
    instr_county: Mapped[int] = mapped_column(Integer)
    instr_city: Mapped[int] = mapped_column(Integer)
    instr_province: Mapped[int] = mapped_column(Integer)
    instr_centre: Mapped[int] = mapped_column(Integer)
    refreshed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
