"""A round of 统计报表上报 and the submissions of the children.

The round lives in the upper tenant; each submission lives in the child's tenant (row-
level security keeps it there), with a copy of the round's title, period and due date:
the child's to-do and page never need to read its parent's rows, and a descendant can
never read the parent's totals. ``round_id`` names the parent's round without a foreign
key, since a key across tenants is what the schema never has.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Date, DateTime, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, TenantOwned


class RoundFields:
    """What a round is about: shared by the round and the submissions' copies."""

    title: Mapped[str] = mapped_column(String(100))
    plugins: Mapped[list[str]] = mapped_column(JSON, default=list)
    period_kind: Mapped[str] = mapped_column(String(10))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    period_title: Mapped[str] = mapped_column(String(60))
    due_on: Mapped[date] = mapped_column(Date)


class RollupRound(RoundFields, TenantOwned, Base):
    """A round opened by the tenant owning it, for its direct children."""

    __tablename__ = "rollup_rounds"
    __tenant_args__ = (Index("ix_rollup_rounds_tenant_period", "tenant_id", "period_start"),)

    state: Mapped[str] = mapped_column(String(20))
    opened_by: Mapped[int | None] = mapped_column(BigInteger)


class RollupSubmission(RoundFields, TenantOwned, Base):
    """One child's answer to one round of its parent: a draft until submitted, then the
    figures as submitted (``figures``: ``{plugin: {set: {figure: int}}}``) frozen."""

    __tablename__ = "rollup_submissions"
    # The upper level reads its children's rows of one round: (tenant_id IN children,
    # round_id) is this unique key's index.
    __tenant_args__ = (UniqueConstraint("tenant_id", "round_id"),)

    round_id: Mapped[int] = mapped_column(BigInteger)
    parent_tenant_id: Mapped[int] = mapped_column(BigInteger)
    state: Mapped[str] = mapped_column(String(20))
    notes: Mapped[str | None] = mapped_column(Text)
    figures: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    submitted_by: Mapped[int | None] = mapped_column(BigInteger)
