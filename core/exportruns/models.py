"""An export run: one list export that had more rows than a page, made by a job."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, BigId, TenantOwned

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
STATES = (QUEUED, RUNNING, DONE, FAILED)


class ExportRun(TenantOwned, Base):
    """Who asked for which export with which filters, how far its job got, and its file.

    The file's bytes live in core's storage (:mod:`core.attachments.storage`), named by
    their SHA-256 in the tenant's folder; the row keeps the name it is offered under.
    """

    __tablename__ = "export_runs"
    __tenant_args__ = (
        # The question a user's page asks: my recent runs.
        Index("ix_export_runs_tenant_id_user", "tenant_id", "user_id", "created_at"),
    )

    user_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))
    #: The :class:`core.exportruns.types.ExportDef` name, ``<plugin>.<export>``.
    name: Mapped[str] = mapped_column(String(80))
    #: The request's filters as given (strings), loaded again by the job.
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    fmt: Mapped[str] = mapped_column(String(4))
    state: Mapped[str] = mapped_column(String(10), default=QUEUED)
    rows_done: Mapped[int] = mapped_column(Integer, default=0)
    rows_total: Mapped[int] = mapped_column(Integer, default=0)
    filename: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str | None] = mapped_column(String(64))
    size: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    @property
    def finished(self) -> bool:
        return self.state in (DONE, FAILED)

    @property
    def percent(self) -> int:
        if self.state == DONE:
            return 100
        return min(100, 100 * self.rows_done // self.rows_total) if self.rows_total else 0
