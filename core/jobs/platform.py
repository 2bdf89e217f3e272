"""The parts every set-based platform scan shares (issue 14): the tenants it covers,
their per-tenant values as one derived table, and batches that commit as they go.

A scan across tenants is a fixed number of statements, whatever the number of tenants:
each kind of change is one ``UPDATE … FROM (SELECT … JOIN <per-tenant values> … LIMIT
n)`` run inside :func:`core.tenancy.scope.platform_write_scope`. The per-tenant values
(a warning window's last day, say) are computed in Python from the settings resolved
once for all tenants, and joined as a ``VALUES`` list, so the statement stays one
whatever each tenant chose. Batches of :data:`BATCH_ROWS` rows commit one by one, so a
cold scan never holds every changed row's lock in one long transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Row, literal, select, union_all, values
from sqlalchemy.sql import column
from sqlalchemy.types import TypeEngine

from core.db import db
from core.tenancy.models import Tenant, TenantPlugin
from core.tenancy.session import TENANT_CHECKED

#: Rows changed per statement and transaction (the row locks one batch holds).
BATCH_ROWS = 5000


def plugin_tenants(plugin: str) -> list[Tenant]:
    """Active tenants that enable ``plugin``, by id (one statement)."""
    return list(
        db.session.scalars(
            select(Tenant)
            .join(TenantPlugin, TenantPlugin.tenant_id == Tenant.id)
            .where(TenantPlugin.plugin == plugin, TenantPlugin.enabled, Tenant.is_active)
            .order_by(Tenant.id)
        )
    )


def per_tenant(name: str, columns: dict[str, TypeEngine], rows: Sequence[tuple]) -> Any:
    """``rows`` (one per tenant, the tenant's id first) as a derived table ``name`` with
    ``columns``: a ``VALUES`` list on PostgreSQL; on SQLite, which cannot name the
    columns of ``VALUES``, a ``UNION ALL`` of one-row selects."""
    if not rows:
        raise ValueError("a per-tenant table needs at least one tenant")
    if db.session.get_bind().dialect.name == "postgresql":
        cols = [column(key, type_) for key, type_ in columns.items()]
        return values(*cols, name=name).data([tuple(row) for row in rows])
    selects = [
        select(
            *(
                literal(value, type_).label(key)
                for (key, type_), value in zip(columns.items(), row, strict=True)
            )
        )
        for row in rows
    ]
    return (selects[0] if len(selects) == 1 else union_all(*selects)).subquery(name)


def in_batches(
    statement_for: Callable[[tuple | None], Any], *, keyset: bool, limit: int = BATCH_ROWS
) -> list[Row]:
    """Run ``statement_for(after)`` (an UPDATE of at most ``limit`` rows, ``RETURNING``
    their key first) until a batch changes fewer, committing after each; returns every
    row returned.

    ``keyset``: ``after`` is the last key the previous batch returned, for statements
    that walk the table in key order (a full comparison of every row reads each once).
    Otherwise ``after`` is always ``None``: the statement picks rows that still need
    the change, and a changed row no longer does (a look through an index at the few
    rows the calendar moved).
    """
    done: list[Row] = []
    after = None
    while True:
        statement = statement_for(after).execution_options(**{TENANT_CHECKED: True})
        rows = db.session.execute(statement).all()
        db.session.commit()
        done.extend(rows)
        if len(rows) < limit:
            return done
        if keyset:
            after = max(tuple(row)[:2] for row in rows)
