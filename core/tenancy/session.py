"""The session that enforces the tenant scope on every statement it runs.

Four gaps are closed here, each noted where it is handled:

* ORM selects, updates and deletes get ``tenant_id`` criteria (``do_orm_execute``); in a
  granted scope, selects also admit the rows grants name (:mod:`core.tenancy.grants`);
* ``Session.get`` may answer from the identity map without SQL, so it checks the tenant;
* Core statements and ``text()`` on tenant tables are refused unless the author marks
  them ``tenant_checked`` (set-based scans that filter by tenant themselves);
* flushes stamp the tenant on new rows and refuse rows of another tenant.
"""

from __future__ import annotations

import functools
from typing import Any

from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import ColumnElement, Engine, Pool, and_, event, exists, or_, select, text
from sqlalchemy.orm import ORMExecuteState, with_loader_criteria
from sqlalchemy.sql import util as sql_util
from sqlalchemy.sql.elements import TextClause

from core.tables import Base, TenantOwned, tenant_owned_tables
from core.tenancy.scope import (
    PLATFORM_WRITER,
    CrossTenantWrite,
    NoTenantScope,
    Scope,
    current_scope,
)

#: Execution option for Core statements whose author handled the tenant explicitly.
TENANT_CHECKED = "tenant_checked"
#: The grants table (core.tenancy.grants), named here so this module needs no import of it.
GRANTS_TABLE = "record_grants"


class TenantSession(FlaskSession):
    def get(self, entity: Any, ident: Any, **kwargs: Any) -> Any:
        obj = super().get(entity, ident, **kwargs)
        if isinstance(obj, TenantOwned) and not _visible(obj.tenant_id):
            # An identity-map hit skips do_orm_execute: treat a foreign row as absent,
            # unless a grant admits it (asked again through the criteria).
            if current_scope().grants and getattr(obj, "__grantable__", None) is not None:
                return self.scalars(select(type(obj)).where(type(obj).id == obj.id)).first()
            return None
        return obj


def _visible(tenant_id: int) -> bool:
    scope = current_scope()
    if not scope.is_open:
        raise NoTenantScope("no tenant in scope")
    return scope.reads_everything or tenant_id in scope.visible_tenant_ids()


@functools.cache
def _tenant_table_names() -> frozenset[str]:
    # Every model is imported by create_app before the first query, so this is final.
    return frozenset(tenant_owned_tables())


def _touches_tenant_tables(state: ORMExecuteState) -> bool:
    if any(issubclass(m.class_, TenantOwned) for m in state.all_mappers):
        return True  # the common case, without walking the statement
    tables = sql_util.find_tables(state.statement, include_joins=True, include_crud=True)
    return any(getattr(t, "name", None) in _tenant_table_names() for t in tables)


@event.listens_for(TenantSession, "do_orm_execute")
def _scope_statement(state: ORMExecuteState) -> None:
    if not _needs_scope(state):
        return
    scope = current_scope()
    if not scope.is_open:
        raise NoTenantScope("no tenant in scope")
    if scope.reads_everything:
        return
    state.statement = state.statement.options(_tenant_criteria(scope, state.is_select))


def _needs_scope(state: ORMExecuteState) -> bool:
    """Whether the statement reads or writes tenant tables unmarked; refuses the kinds
    the scope cannot rewrite (text, Core statements, bulk inserts)."""
    if state.execution_options.get(TENANT_CHECKED):
        return False
    if isinstance(state.statement, TextClause):
        raise NoTenantScope(
            f"text() on the session: filter by tenant and mark it execution_options({TENANT_CHECKED}=True)"
        )
    if not (state.is_select or state.is_update or state.is_delete or state.is_insert):
        return False
    if not _touches_tenant_tables(state):
        return False
    if not state.is_orm_statement:
        raise NoTenantScope(
            "Core statement on tenant tables: filter by tenant and mark it "
            f"execution_options({TENANT_CHECKED}=True)"
        )
    if state.is_insert:
        # Bulk inserts skip before_flush, so nothing would stamp or check the tenant.
        raise NoTenantScope(
            f"bulk insert into tenant tables must be marked execution_options({TENANT_CHECKED}=True)"
        )
    return True


def _tenant_criteria(scope: Scope, is_select: bool) -> Any:
    """The loader option that limits every tenant-owned entity to what ``scope`` sees."""
    visible = scope.visible_tenant_ids()
    if scope.grants and is_select:
        # Bound locally: SQLAlchemy tracks a lambda's closure, but refuses to instrument
        # a module-level function it calls.
        criterion = read_criterion
        grantee, also = scope.tenant_id, tuple(t for t in visible if t != scope.tenant_id)
        # Two lambdas, not one with a branch: a lambda's SQL shape must not depend on
        # the values it closes over (they become cached bound parameters).
        if also:
            return with_loader_criteria(
                TenantOwned, lambda cls: criterion(cls, grantee, also), include_aliases=True
            )
        return with_loader_criteria(
            TenantOwned, lambda cls: criterion(cls, grantee), include_aliases=True
        )
    if len(visible) == 1:
        tenant_id = visible[0]
        return with_loader_criteria(
            TenantOwned, lambda cls: cls.tenant_id == tenant_id, include_aliases=True
        )
    return with_loader_criteria(
        TenantOwned, lambda cls: cls.tenant_id.in_(visible), include_aliases=True
    )


def read_criterion(cls: Any, grantee: Any, also: Any = None) -> ColumnElement[bool]:
    """The read criterion of ``cls`` in a granted scope: rows of ``grantee`` (the tenant in
    scope), of the tenants ``also`` opened by a cross-tenant scope, and those a grant row
    (:mod:`core.tenancy.grants`) names for ``grantee``. Called inside the loader-criteria
    lambda, so both values stay bound parameters (each must appear in every criterion).
    The grants table is found by name: this module must not import the grants model,
    which is built on ``core.db``, the handle that sits on this module."""
    own = cls.tenant_id == grantee
    if also is not None:
        own = or_(own, cls.tenant_id.in_(also))
    if getattr(cls, "__tablename__", None) == GRANTS_TABLE:  # (also called on TenantOwned)
        return or_(own, cls.grantee_tenant_id == grantee)
    rule = getattr(cls, "__grantable__", None)
    if rule is None:
        return own
    g = Base.metadata.tables[GRANTS_TABLE].c  # the table, not the entity: no criteria inside
    kind = getattr(cls, rule.kind_column) if rule.kind_column else rule.kind
    return or_(
        own,
        exists().where(
            and_(
                g.tenant_id == cls.tenant_id,
                g.record_kind == kind,
                g.record_id == getattr(cls, rule.id_column),
                g.grantee_tenant_id == grantee,
            )
        ),
    )


@event.listens_for(TenantSession, "before_flush")
def _stamp_and_guard(session: TenantSession, _flush_context: Any, _instances: Any) -> None:
    scope = current_scope()
    for obj in session.new:
        if isinstance(obj, TenantOwned):
            if obj.tenant_id is None:
                if scope.tenant_id is None:
                    raise NoTenantScope(
                        f"cannot insert {type(obj).__name__} with no tenant in scope"
                    )
                obj.tenant_id = scope.tenant_id
            elif not scope.writes_into(obj.tenant_id):
                raise CrossTenantWrite(f"{type(obj).__name__} of tenant {obj.tenant_id}")
    for obj in (*session.dirty, *session.deleted):
        # Another tenant's row only in a platform write scope that opened it (SQLite has
        # no RLS: this check is all the embedded mode has).
        if isinstance(obj, TenantOwned) and not scope.writes_into(obj.tenant_id):
            raise CrossTenantWrite(f"{type(obj).__name__} of tenant {obj.tenant_id}")


# -- PostgreSQL: copy the scope into transaction-local settings for row-level security --
#
# Lazily, in one statement: before a statement runs in a session's transaction, the three
# settings are sent only if the scope differs from what that transaction already holds.
# A request thus pays one ``set_config`` round trip (none for statements on global tables
# before the tenant is known), not one per setting at ``after_begin`` and again at
# ``scope.enter``. ``set_config(..., true)`` is transaction-local, so a pooled connection
# (PgBouncer in transaction mode included) never carries a tenant into the next one.

#: ``connection.info`` key: the settings the open transaction holds (absent: not a
#: session transaction; ``None``: unknown, e.g. after a rollback to a savepoint).
_APPLIED = "zugong_scope_applied"
_SET_SCOPE = text(
    "select set_config('app.tenant_id', :t, true), set_config('app.read_tenants', :r, true),"
    " set_config('app.read_grants', :g, true)"
)
#: The same, entering or leaving a platform write scope: the tenants it writes and the
#: role whose policy admits those writes (``set_config('role', …, true)`` is ``SET LOCAL
#: ROLE``; 'none' returns to the login role). Still one statement, still transaction-local.
_SET_PLATFORM_SCOPE = text(
    "select set_config('app.tenant_id', :t, true), set_config('app.read_tenants', :r, true),"
    " set_config('app.read_grants', :g, true), set_config('app.write_tenants', :w, true),"
    " set_config('role', :role, true)"
)


def _settings(scope: Scope) -> tuple[str, str, str, str]:
    if scope.reads_everything:
        readable = "*"
    else:
        readable = ",".join(str(t) for t in sorted(scope.readable or ()))
    tenant = "" if scope.tenant_id is None else str(scope.tenant_id)
    writable = readable if scope.platform_writes else ""
    return tenant, readable, "on" if scope.grants else "", writable


#: What a transaction holds before anything is set (unset and '' read alike).
_UNSET = _settings(Scope())


@event.listens_for(TenantSession, "after_begin")
def _scope_new_transaction(_session: TenantSession, _tx: Any, connection: Any) -> None:
    if connection.dialect.name == "postgresql":
        connection.info[_APPLIED] = _UNSET


@event.listens_for(Engine, "before_execute")
def _apply_scope(
    connection: Any, _clause: Any, _multiparams: Any, _params: Any, _opts: Any
) -> None:
    if _APPLIED not in connection.info:
        return
    wanted = _settings(current_scope())
    applied = connection.info[_APPLIED]
    if applied != wanted:
        connection.info[_APPLIED] = wanted  # first: the statement below passes through here
        params = {"t": wanted[0], "r": wanted[1], "g": wanted[2]}
        if wanted[3] or applied is None or applied[3]:
            role = PLATFORM_WRITER if wanted[3] else "none"
            connection.execute(_SET_PLATFORM_SCOPE, {**params, "w": wanted[3], "role": role})
        else:
            connection.execute(_SET_SCOPE, params)


@event.listens_for(Engine, "commit")
@event.listens_for(Engine, "rollback")
def _transaction_ended(connection: Any) -> None:
    if connection.invalidated:
        # The server went away mid-transaction: reading ``info`` would try to reconnect
        # inside the rollback (PendingRollbackError); the lost connection's record is
        # discarded with it, and a new one starts with nothing applied.
        return
    connection.info.pop(_APPLIED, None)


@event.listens_for(Engine, "rollback_savepoint")
def _savepoint_undone(connection: Any, _name: Any, _context: Any) -> None:
    # set_config done inside the savepoint is undone with it: send the scope again.
    if _APPLIED in connection.info:
        connection.info[_APPLIED] = None


@event.listens_for(Pool, "checkin")
def _returned(_dbapi_connection: Any, record: Any) -> None:
    if record is not None:
        record.info.pop(_APPLIED, None)
