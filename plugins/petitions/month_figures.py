"""The 汇总's petition figures per tenant and calendar month, quarter and year of
receipt, pre-aggregated (migration petitions_0007, :mod:`core.rollup.monthly`).

A province's year is 3,000,000 petitions: counting them under row-level security on each
roll-up took 18 s on the shared machine (bench/rollup.py); reading one row per tenant
does not. PostgreSQL keeps both tables current inside each writing transaction by
statement-level triggers on ``petitions``, so they are never stale and need no job.
Only PostgreSQL has the triggers: the embedded SQLite mode counts the petitions.

``PetitionOpenFigures`` counts the accepted petitions not replied by the month of
their closing deadline (``due_month``), for 未办结且已超期, which depends on the day: the
roll-up adds the months before the current one and counts the current month's live.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Date, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, TenantOwned
from plugins.petitions.models import CHANNELS, KINDS

#: The overview's figures kept per span (the overview's last one is ``open_overdue``).
OVERVIEW = (
    "total",
    "decided",
    "accepted",
    "closed",
    "closed_on_time",
    "rated",
    "satisfied",
    "repeat",
    "collective",
    "bypassed_level",
)
COLUMNS = (*OVERVIEW, *(f"channel_{k}" for k in CHANNELS), *(f"kind_{k}" for k in KINDS))


class PetitionRollupFigures(TenantOwned, Base):
    """One tenant's petitions received in one span, counted (written by the triggers)."""

    __tablename__ = "petition_rollup_figures"
    __tenant_args__ = (UniqueConstraint("tenant_id", "span", "start"),)

    span: Mapped[str] = mapped_column(String(7))
    start: Mapped[date] = mapped_column(Date)
    total: Mapped[int] = mapped_column(BigInteger, default=0)
    decided: Mapped[int] = mapped_column(BigInteger, default=0)
    accepted: Mapped[int] = mapped_column(BigInteger, default=0)
    closed: Mapped[int] = mapped_column(BigInteger, default=0)
    closed_on_time: Mapped[int] = mapped_column(BigInteger, default=0)
    rated: Mapped[int] = mapped_column(BigInteger, default=0)
    satisfied: Mapped[int] = mapped_column(BigInteger, default=0)
    repeat: Mapped[int] = mapped_column(BigInteger, default=0)
    collective: Mapped[int] = mapped_column(BigInteger, default=0)
    bypassed_level: Mapped[int] = mapped_column(BigInteger, default=0)
    channel_letter: Mapped[int] = mapped_column(BigInteger, default=0)
    channel_visit: Mapped[int] = mapped_column(BigInteger, default=0)
    channel_phone: Mapped[int] = mapped_column(BigInteger, default=0)
    channel_online: Mapped[int] = mapped_column(BigInteger, default=0)
    channel_referred: Mapped[int] = mapped_column(BigInteger, default=0)
    channel_assigned: Mapped[int] = mapped_column(BigInteger, default=0)
    channel_leader_instruction: Mapped[int] = mapped_column(BigInteger, default=0)
    channel_review_request: Mapped[int] = mapped_column(BigInteger, default=0)
    kind_report: Mapped[int] = mapped_column(BigInteger, default=0)
    kind_appeal: Mapped[int] = mapped_column(BigInteger, default=0)
    kind_suggestion: Mapped[int] = mapped_column(BigInteger, default=0)
    kind_request: Mapped[int] = mapped_column(BigInteger, default=0)
    kind_enquiry: Mapped[int] = mapped_column(BigInteger, default=0)


class PetitionOpenFigures(TenantOwned, Base):
    """Accepted, unreplied petitions with a closing deadline, by span of receipt and
    month of the deadline (written by the triggers)."""

    __tablename__ = "petition_open_figures"
    __tenant_args__ = (UniqueConstraint("tenant_id", "span", "start", "due_month"),)

    span: Mapped[str] = mapped_column(String(7))
    start: Mapped[date] = mapped_column(Date)
    due_month: Mapped[date] = mapped_column(Date)
    open_dated: Mapped[int] = mapped_column(BigInteger, default=0)
