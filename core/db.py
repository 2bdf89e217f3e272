"""The database handle: Flask-SQLAlchemy on the session that enforces the tenant scope.

The models' building blocks live in :mod:`core.tables` (re-exported here, where the
models have always found them); :mod:`core.tenancy.session` sits between the two, so
this module imports it and it never imports this one.
"""

from __future__ import annotations

from typing import Any

from flask import has_app_context
from flask_sqlalchemy import SQLAlchemy

from core.tables import (
    GLOBAL_TABLES,
    MAX_DB_ID,
    Base,
    BigId,
    TenantOwned,
    TimestampMixin,
    tenant_children,
    tenant_fk,
    tenant_owned_tables,
    tenant_parent,
    utcnow,
)
from core.tenancy.scope import on_change
from core.tenancy.session import TenantSession

__all__ = [
    "GLOBAL_TABLES",
    "MAX_DB_ID",
    "Base",
    "BigId",
    "TenantOwned",
    "TimestampMixin",
    "db",
    "flush_open_transaction",
    "tenant_children",
    "tenant_fk",
    "tenant_owned_tables",
    "tenant_parent",
    "upsert_insert",
    "utcnow",
]


class _SQLAlchemy(SQLAlchemy):
    def _make_scoped_session(self, options):
        options.setdefault("class_", TenantSession)
        return super()._make_scoped_session(options)


db = _SQLAlchemy(model_class=Base)


def upsert_insert(model: type) -> Any:
    """An INSERT that supports ``on_conflict_do_*`` on PostgreSQL and SQLite alike."""
    from sqlalchemy.dialects import postgresql, sqlite

    dialect = db.session.get_bind().dialect.name
    return (postgresql if dialect == "postgresql" else sqlite).insert(model)


def _active_session() -> TenantSession | None:
    """The app context's session if it holds a usable transaction."""
    if not has_app_context():
        return None
    session = db.session()
    transaction = session.get_transaction()
    if transaction is None or not transaction.is_active:
        return None  # nothing open, or a failed transaction about to be rolled back
    return session


def flush_open_transaction() -> None:
    """Write pending rows before the tenant scope changes, under the scope they were
    added in (the scope calls this through :func:`core.tenancy.scope.on_change`)."""
    session = _active_session()
    if session is not None and (session.new or session.dirty or session.deleted):
        session.flush()


on_change(flush_open_transaction)
