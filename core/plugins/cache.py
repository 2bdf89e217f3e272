"""Plugin enablement and resolved settings, cached per process, never stale.

Both are asked on every request (which plugins a tenant enables gates each route and
each permission; settings feed deadlines and pages) and change rarely. Each app keeps
them in memory, tagged with the value of one database counter
(:class:`core.tenancy.models.CacheVersion`) that every transaction changing tenants or
their plugins raises (:func:`_raise_version`, on flush, so it commits or rolls back with
the change). A request reads the counter in the statement that loads its tenant
(:func:`request_tenant`); code outside a request reads it per lookup.
A process that sees a new value drops what it cached, so another process's change is
seen by the next request, never later.

A transaction that raised the counter itself bypasses the cache until it ends: what it
sees is not committed, and must not be cached under a version others may never see.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from flask import current_app, g, has_app_context, has_request_context
from sqlalchemy import event, select

from core.db import db, upsert_insert
from core.tenancy.models import CacheVersion, Tenant, TenantPlugin
from core.tenancy.session import TenantSession

T = TypeVar("T")
KEY = "platform"
#: The counter, as a scalar subquery to add to another statement's columns.
VERSION = select(CacheVersion.version).where(CacheVersion.name == KEY).scalar_subquery().label("v")
_G_VERSION = "_zugong_cache_version"
_G_DIRTY = "_zugong_cache_dirty"


class _Store:
    def __init__(self) -> None:
        self.version: int | None = None
        self.entries: dict[Hashable, Any] = {}


def remember_version(version: int | None) -> None:
    """The counter as read by the caller's statement (kept for the rest of the request)."""
    g.setdefault(_G_VERSION, version or 0)


def request_tenant(slug: str) -> Tenant | None:
    """The active tenant of ``slug``; the same statement reads the cache version, so a
    request learns whether its process's cached enablement and settings still hold at no
    extra round trip. (Here, not in core.tenancy.models: the models must not import the
    cache, which imports them.)"""
    row = db.session.execute(
        select(Tenant, VERSION).where(Tenant.slug == slug, Tenant.is_active)
    ).first()
    if row is None:
        return None
    remember_version(row[1])
    return row[0]


def cached(key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``'s result, from this process's cache while the counter holds (a deep
    copy: callers may change what they get)."""
    if g.get(_G_DIRTY):
        return compute()
    version = _version()
    store: _Store = current_app.extensions.setdefault("zugong.cache", _Store())
    if store.version != version:
        store.version, store.entries = version, {}
    if key not in store.entries:
        value = compute()
        if store.version == version:  # not replaced by a newer version meanwhile
            store.entries[key] = value
        return value
    return copy.deepcopy(store.entries[key])


def cached_many(
    keys: list[Hashable], compute: Callable[[list[Hashable]], dict[Hashable, Any]]
) -> dict[Hashable, Any]:
    """:func:`cached` for many keys at once: the counter is read once, and ``compute``
    gets every missing key in one call (so a scan over all tenants resolves their
    settings in a constant number of statements, not a few per tenant)."""
    if g.get(_G_DIRTY):
        return compute(keys)
    version = _version()
    store: _Store = current_app.extensions.setdefault("zugong.cache", _Store())
    if store.version != version:
        store.version, store.entries = version, {}
    missing = [key for key in keys if key not in store.entries]
    found = compute(missing) if missing else {}
    if store.version == version:
        store.entries.update(found)
    return {key: found[key] if key in found else copy.deepcopy(store.entries[key]) for key in keys}


def _version() -> int:
    if has_request_context() and _G_VERSION in g:
        return g.get(_G_VERSION)
    version = db.session.scalar(select(CacheVersion.version).where(CacheVersion.name == KEY))
    if has_request_context():
        g.setdefault(_G_VERSION, version or 0)
    return version or 0


def forget() -> None:
    """Drop this process's cached values (tests that rewind the database call it)."""
    current_app.extensions.pop("zugong.cache", None)


_WATCHED = (Tenant, TenantPlugin)


@event.listens_for(TenantSession, "after_flush")
def _raise_version(session: TenantSession, _flush_context: Any) -> None:
    changed = (*session.new, *session.dirty, *session.deleted)
    if not any(isinstance(obj, _WATCHED) for obj in changed):
        return
    table = CacheVersion.__table__
    raise_it = (
        upsert_insert(CacheVersion)
        .values(name=KEY, version=1)
        .on_conflict_do_update(index_elements=[table.c.name], set_={"version": table.c.version + 1})
    )
    session.connection().execute(raise_it)
    if has_app_context():
        g.setdefault(_G_DIRTY, True)
        g.pop(_G_VERSION, None)


@event.listens_for(TenantSession, "after_commit")
@event.listens_for(TenantSession, "after_rollback")
def _transaction_ended(_session: TenantSession) -> None:
    if has_app_context() and g.pop(_G_DIRTY, False):
        g.pop(_G_VERSION, None)  # read it again: the counter moved (or the change did not)
