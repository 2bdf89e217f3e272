"""The 汇总's petition figures per tenant and month of receipt, pre-aggregated.

A province's year is 3,000,000 petitions: counting them for each roll-up takes seconds
(bench/rollup.py), summing 12 rows per tenant does not. The table holds, per tenant and
month (``received_on``'s first day), every additive figure of :mod:`plugins.petitions.
rollup`; PostgreSQL keeps it current inside the writing transaction, set-based, by
statement-level triggers on ``petitions`` (migration petitions_0007: each INSERT,
UPDATE or DELETE adds its new rows and subtracts its old ones, grouped by tenant and
month), so it is never stale and needs no job. Only PostgreSQL has the triggers: the
embedded SQLite mode counts the petitions directly.

``open_dated`` counts the accepted petitions not replied with a closing deadline; the
roll-up subtracts those whose deadline is today or later (a live count over the
partial index ``ix_petitions_tenant_id_open_close_due``) to get ``open_overdue``, which
depends on the day.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Date, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, TenantOwned
from plugins.petitions.models import CHANNELS, KINDS

#: The overview's figures kept per month (the rest of the overview is ``open_overdue``).
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
COLUMNS = (
    *OVERVIEW,
    "open_dated",
    *(f"channel_{k}" for k in CHANNELS),
    *(f"kind_{k}" for k in KINDS),
)


class PetitionMonthFigures(TenantOwned, Base):
    """One tenant's petitions received in one month, counted (written by the triggers)."""

    __tablename__ = "petition_month_figures"
    __tenant_args__ = (UniqueConstraint("tenant_id", "month"),)

    month: Mapped[date] = mapped_column(Date)
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
    open_dated: Mapped[int] = mapped_column(BigInteger, default=0)
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
