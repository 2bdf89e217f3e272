"""Occasions already handled, so a retried or re-scheduled job does a thing once."""

from __future__ import annotations

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, TenantOwned


class Occasion(TenantOwned, Base):
    __tablename__ = "job_occasions"
    __tenant_args__ = (UniqueConstraint("tenant_id", "key"),)

    key: Mapped[str] = mapped_column(String(200))
