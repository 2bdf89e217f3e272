"""The current tenant: set once per request or job, read by the ORM and by PostgreSQL.

Code never filters by tenant by hand. It runs inside :func:`tenant_scope`, and
:mod:`core.tenancy.session` adds the tenant criterion to every ORM statement, stamps the
tenant on every insert and refuses writes into another tenant. On PostgreSQL the same
scope is copied into transaction-local settings that row-level security policies read,
so a forgotten criterion still returns nothing.

The ways to read across tenants are :func:`cross_tenant_scope`, which names the
tenants it opens and why, and :func:`granted_scope`, which opens exactly the records
other tenants granted to the tenant in scope (:mod:`core.tenancy.grants`); both leave an
audit entry. The one way to write across tenants is :func:`platform_write_scope`, for
the set-based scans of platform jobs only: never in a request, audited too.


This module sits below the session and the audit log, which both depend on the scope:
they plug in here at import time (:func:`on_change`, :func:`on_cross_tenant_open`)
rather than being imported from here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass

#: The database role a platform job assumes (``SET LOCAL ROLE``, through
#: ``set_config('role', ..., true)``) to write across tenants (core_0012, issue 14). It
#: cannot log in and bypasses nothing: its ``platform_write`` policy on every tenant-owned
#: table admits the tenants ``app.write_tenants`` names, and only while the transaction
#: runs as this role. Only the login roles that run workers are made members
#: (``PLATFORM_WRITER_MEMBERS``, :func:`core.migrate.grant_app_role`): a web process
#: connecting as a role that is not a member cannot assume it, whatever SQL it sends.
PLATFORM_WRITER = "zugong_platform_writer"


class NoTenantScope(RuntimeError):
    """A tenant-owned table was queried with no tenant in scope (scoping fails closed)."""


class CrossTenantWrite(RuntimeError):
    """A row of one tenant was written while another tenant was in scope."""


class PlatformWriteRefused(RuntimeError):
    """A platform write scope was asked for where it is never given (a request, a user)."""


@dataclass(frozen=True)
class Scope:
    tenant_id: int | None = None
    #: Extra tenants readable in a cross-tenant scope; ``None`` means every tenant.
    readable: frozenset[int] | None = frozenset()
    reason: str | None = None
    #: Rows of grantable models that a grant names for ``tenant_id`` are readable too.
    grants: bool = False
    #: A platform job's scope: rows of the readable tenants are writable too.
    platform_writes: bool = False

    @property
    def reads_everything(self) -> bool:
        return self.readable is None

    def writes_into(self, tenant_id: int | None) -> bool:
        if tenant_id is not None and tenant_id == self.tenant_id:
            return True
        return self.platform_writes and (self.reads_everything or tenant_id in self.readable)

    def visible_tenant_ids(self) -> tuple[int, ...]:
        ids = set(self.readable or ())
        if self.tenant_id is not None:
            ids.add(self.tenant_id)
        return tuple(sorted(ids))

    @property
    def is_open(self) -> bool:
        return self.tenant_id is not None or self.reads_everything or bool(self.readable)


_NO_SCOPE = Scope()
_scope: ContextVar[Scope] = ContextVar("zugong_scope", default=_NO_SCOPE)  # noqa: B039 - frozen


def current_scope() -> Scope:
    return _scope.get()


def current_tenant_id() -> int:
    tenant_id = _scope.get().tenant_id
    if tenant_id is None:
        raise NoTenantScope("no tenant in scope")
    return tenant_id


def enter(scope: Scope) -> Token[Scope]:
    """Make ``scope`` current until :func:`leave` (for a request's lifetime)."""
    _flush_pending()
    return _scope.set(scope)


def leave(token: Token[Scope]) -> None:
    try:
        _flush_pending()  # rows added inside a scope are written under it
    finally:
        _scope.reset(token)


@contextmanager
def _entered(scope: Scope) -> Iterator[Scope]:
    token = enter(scope)
    try:
        yield scope
    except BaseException:
        # The transaction is failing: reset without flushing or touching the database,
        # so the original error is the one reported.
        _scope.reset(token)
        raise
    leave(token)


@contextmanager
def tenant_scope(tenant_id: int) -> Iterator[Scope]:
    """Run the block as tenant ``tenant_id``: reads see it alone, writes land in it."""
    with _entered(Scope(tenant_id=tenant_id)) as scope:
        yield scope


@contextmanager
def cross_tenant_scope(
    reason: str, tenant_ids: Iterable[int] | None = None, *, action: str = "cross_tenant.read"
) -> Iterator[Scope]:
    """Open reads of ``tenant_ids`` (every tenant if ``None``) for one audited purpose.

    The domain needs this in few places: an upper level reading what was submitted to
    it, a platform operator, the set-based scans of scheduled jobs. Writes still land
    only in the tenant in scope (if any); the audit entry goes to that tenant, or to the
    platform's own log.
    """
    if not reason:
        raise ValueError("a cross-tenant scope needs a reason")
    outer = _scope.get()
    readable = None if tenant_ids is None else frozenset(tenant_ids)
    if readable is not None and not readable:
        raise ValueError("a cross-tenant scope names at least one tenant (or None for all)")
    _audit_opening(action, reason, "*" if readable is None else sorted(readable))
    scope = Scope(tenant_id=outer.tenant_id, readable=readable, reason=reason, grants=outer.grants)
    with _entered(scope) as entered:
        yield entered


@contextmanager
def granted_scope(reason: str, *, action: str = "cross_tenant.read") -> Iterator[Scope]:
    """Also read the rows other tenants granted to the tenant in scope, for one audited
    purpose (an upper level reading what its children submitted to it).

    Only models that opt in (``__grantable__``) are affected, only for reads, and only
    where a grant row names the record and this tenant; PostgreSQL's row-level security
    admits exactly the same rows. Writes still land only in the tenant in scope.
    """
    if not reason:
        raise ValueError("a granted scope needs a reason")
    outer = _scope.get()
    if outer.tenant_id is None:
        raise NoTenantScope("grants are read by the tenant in scope: set one first")
    _audit_opening(action, reason, "granted")
    scope = Scope(tenant_id=outer.tenant_id, readable=outer.readable, reason=reason, grants=True)
    with _entered(scope) as entered:
        yield entered


#: Called before the scope changes (core.db: write pending rows under the old scope).
_before_change: list[Callable[[], None]] = []
#: Records the opening of a cross-tenant read (core.audit.service); none set fails closed.
_opening_recorder: list[Callable[..., None]] = []


def on_change(flush: Callable[[], None]) -> None:
    """Run ``flush`` before every change of scope (set once by :mod:`core.db`)."""
    _before_change[:] = [flush]


def on_cross_tenant_open(recorder: Callable[..., None]) -> None:
    """Record every cross-tenant opening with ``recorder(action, reason, tenants,
    tenant_id, platform=...)`` (set once by :mod:`core.audit.service`): in the log of the
    tenant in scope, or the platform's own for a platform write (``platform=True``)."""
    _opening_recorder[:] = [recorder]


def _audit_opening(action: str, reason: str, tenants: object, *, platform: bool = False) -> None:
    """The one audit entry of every cross-tenant scope: why, and what it opened."""
    if not _opening_recorder:
        # No audit log loaded: an unaudited cross-tenant read is refused, not let through.
        raise RuntimeError("a cross-tenant scope needs core.audit.service loaded")
    _opening_recorder[0](action, reason, tenants, _scope.get().tenant_id, platform=platform)


@contextmanager
def platform_write_scope(
    reason: str, tenant_ids: Iterable[int] | None = None, *, action: str = "platform.write"
) -> Iterator[Scope]:
    """Read and write the rows of ``tenant_ids`` (every tenant if ``None``) for one
    audited platform job: the set-based scans, one statement for all tenants.

    Refused in a request and for a job acting for a user: only the scheduler's platform
    jobs act as the system across tenants. On PostgreSQL the transaction also switches
    to the platform writer role (:data:`core.tenancy.rls.PLATFORM_WRITER`), whose policy
    is what admits the writes; a connection whose login role is not its member (a web
    process deployed with a role of its own) cannot get it. No tenant is in scope inside:
    rows are written by set-based statements that name their tenants, and the audit
    entry goes to the platform's own log.
    """
    if not reason:
        raise ValueError("a platform write scope needs a reason")
    _refuse_outside_platform_jobs()
    readable = None if tenant_ids is None else frozenset(tenant_ids)
    if readable is not None and not readable:
        raise ValueError("a platform write scope names at least one tenant (or None for all)")
    _audit_opening(action, reason, "*" if readable is None else sorted(readable), platform=True)
    scope = Scope(readable=readable, reason=reason, platform_writes=True)
    with _entered(scope) as entered:
        yield entered


def _refuse_outside_platform_jobs() -> None:
    from flask import g, has_app_context, has_request_context

    if has_request_context():
        raise PlatformWriteRefused("a request never writes across tenants")
    actor = g.get("actor") if has_app_context() else None
    if getattr(actor, "user_id", None) is not None:
        raise PlatformWriteRefused("a job acting for a user never writes across tenants")


def _flush_pending() -> None:
    for flush in _before_change:
        flush()
