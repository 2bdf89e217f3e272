"""Human-readable serial numbers, per tenant and year, gapless under concurrency.

``next_serial("XF", width=6)`` → ``XF-2026-000123``. The counter row is incremented
with one ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` inside the caller's transaction:
concurrent requests queue on the row lock, and a rolled-back request gives its number
back, so the sequence has no gaps.
"""

from __future__ import annotations

from sqlalchemy import Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core import clock
from core.db import Base, TenantOwned, db, upsert_insert, utcnow
from core.tenancy.scope import current_tenant_id
from core.tenancy.session import TENANT_CHECKED


class SerialCounter(TenantOwned, Base):
    __tablename__ = "serial_counters"
    __tenant_args__ = (UniqueConstraint("tenant_id", "prefix", "year"),)

    prefix: Mapped[str] = mapped_column(String(10))
    year: Mapped[int] = mapped_column(Integer)
    value: Mapped[int] = mapped_column(Integer)


def next_serial(prefix: str, *, width: int = 6, year: int | None = None) -> str:
    year = year or clock.today().year
    statement = (
        upsert_insert(SerialCounter)
        .values(
            tenant_id=current_tenant_id(), prefix=prefix, year=year, value=1, created_at=utcnow()
        )
        .on_conflict_do_update(
            index_elements=["tenant_id", "prefix", "year"],
            set_={"value": SerialCounter.value + 1},
        )
        .returning(SerialCounter.value)
        .execution_options(**{TENANT_CHECKED: True})
    )
    value = db.session.execute(statement).scalar_one()
    return f"{prefix}-{year}-{value:0{width}d}"
