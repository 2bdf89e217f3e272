"""The declarative base and the two kinds of model: tenant-owned and global.

Below the tenant scope and the session that enforces it (:mod:`core.tenancy.session`
needs :class:`TenantOwned`), so nothing here imports them; the handle that uses that
session is :mod:`core.db`. Every table is either owned by one tenant (it has a non-null ``tenant_id`` and subclasses
:class:`TenantOwned`) or named in :data:`GLOBAL_TABLES`. ``tests/core/test_models.py``
keeps it so, because the tenant scope in :mod:`core.tenancy.scope` only protects what it
can recognise.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    MetaData,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: 64-bit ids on PostgreSQL; SQLite only auto-increments a column typed INTEGER.
BigId = BigInteger().with_variant(Integer, "sqlite")
#: The largest id a BIGINT column holds: an id from a URL or a form above it is simply
#: "not found" (asking the database would overflow the driver).
MAX_DB_ID = 2**63 - 1

#: Tables that belong to the platform rather than to one tenant.
GLOBAL_TABLES: set[str] = {
    "tenants",
    "tenant_plugins",
    "users",
    "login_attempts",
    "calendar_days",
    "calendar_years",
    "job_outbox",
    "cache_versions",
    "alembic_version",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class TenantOwned(TimestampMixin):
    """A row that belongs to exactly one tenant.

    ``(tenant_id, id)`` is unique so that other tenant-owned rows can reference it with a
    composite foreign key (:func:`tenant_fk`): a reference can never cross tenants.
    Subclasses add their own constraints and indexes in ``__tenant_args__``.
    """

    __tenant_args__: tuple = ()

    id: Mapped[int] = mapped_column(BigId, primary_key=True)

    @declared_attr
    def tenant_id(cls) -> Mapped[int]:
        return mapped_column(BigId, ForeignKey("tenants.id"), nullable=False)

    @declared_attr.directive
    def __table_args__(cls) -> tuple:
        return (UniqueConstraint("tenant_id", "id"), *cls.__tenant_args__)


def tenant_fk(column: str, target_table: str, ondelete: str | None = None) -> ForeignKeyConstraint:
    """A foreign key from ``column`` to ``target_table`` that stays inside the tenant."""
    return ForeignKeyConstraint(
        ["tenant_id", column],
        [f"{target_table}.tenant_id", f"{target_table}.id"],
        ondelete=ondelete,
    )


def tenant_children(parent: str, child: str, column: str, order_by: str | None = None) -> Any:
    """A read-only one-to-many relationship from ``parent`` to its ``child`` rows.

    The join goes over the composite key ``(tenant_id, id)`` that :func:`tenant_fk`
    declares, so it stays inside the tenant and the schema stays shardable. Example::

        petitioners: Mapped[list[Petitioner]] = tenant_children(
            "Petition", "Petitioner", "petition_id"
        )
    """
    return relationship(
        primaryjoin=(
            f"and_({parent}.tenant_id == foreign({child}.tenant_id),"
            f" {parent}.id == foreign({child}.{column}))"
        ),
        order_by=order_by or f"{child}.id",
        viewonly=True,
    )


def tenant_parent(child: str, parent: str, column: str) -> Any:
    """A read-only many-to-one relationship from ``child``'s ``column`` to its ``parent``
    row, over the composite key as :func:`tenant_children` (the other direction).
    Example::

        branch: Mapped[OrgUnit | None] = tenant_parent("Member", "OrgUnit", "branch_id")
    """
    return relationship(
        primaryjoin=(
            f"and_({child}.tenant_id == {parent}.tenant_id,"
            f" foreign({child}.{column}) == {parent}.id)"
        ),
        viewonly=True,
    )


def tenant_owned_tables() -> list[str]:
    return sorted(
        mapper.local_table.name
        for mapper in Base.registry.mappers
        if issubclass(mapper.class_, TenantOwned)
    )
