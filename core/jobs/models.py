"""The job tables: occasions already handled, and the outbox of jobs waiting for RQ."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, BigId, TenantOwned, utcnow


class Occasion(TenantOwned, Base):
    """An occasion already handled, so a retried or re-scheduled job does a thing once."""

    __tablename__ = "job_occasions"
    __tenant_args__ = (UniqueConstraint("tenant_id", "key"),)

    key: Mapped[str] = mapped_column(String(200))


class OutboxJob(Base):
    """A job enqueued in a committed transaction, written in that same transaction.

    Global, not tenant-owned: a platform job has no tenant, and the drain reads every
    tenant's rows at once (the tenant travels inside ``call``, as it does on RQ). A row
    is sent to RQ once (``sent_at``); sent rows are purged by core's maintenance job.
    """

    __tablename__ = "job_outbox"
    __table_args__ = (
        # The drain's only question: which rows are unsent, oldest first.
        Index(
            "ix_job_outbox_unsent",
            "id",
            postgresql_where=text("sent_at IS NULL"),
            sqlite_where=text("sent_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    #: The :class:`core.jobs.dispatch.JobCall` as a dict.
    call: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
