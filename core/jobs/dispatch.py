"""Queueing jobs after commit, through RQ or in-process.

A job is queued when the transaction it was enqueued in commits, and dropped when that
transaction (or the savepoint it was enqueued in) rolls back. Inside a request or a job
there is always such a transaction: the request's (``core.app`` commits it when the
response is a success) or the job's (:mod:`core.jobs.runner`). Elsewhere (a CLI command
between transactions) a job is queued at once.
"""

from __future__ import annotations

import importlib
import json
import logging
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, Protocol

from flask import Flask, current_app, g, has_app_context, has_request_context
from sqlalchemy import event

from core.db import db, upsert_insert, utcnow
from core.jobs.models import Occasion
from core.tenancy.scope import current_tenant_id
from core.tenancy.session import TENANT_CHECKED, TenantSession

log = logging.getLogger(__name__)

#: Seconds between attempts: a failed job is tried again len(...) times. Overridden by
#: the ``JOB_RETRY_INTERVALS`` setting.
RETRY_INTERVALS = (10, 60, 300)
#: The embedded mode waits at most this long between attempts (it has no RQ scheduler).
IN_PROCESS_MAX_WAIT = 5
#: RQ allows these characters in a job id; ours adds the tenant in front.
_JOB_ID = re.compile(r"[A-Za-z0-9_-]{1,150}")
_PENDING = "zugong_pending_jobs"


@dataclass(frozen=True)
class JobCall:
    path: str  # "package.module:function"
    tenant_id: int | None
    plugin: str | None
    user_id: int | None
    kwargs: dict[str, Any] = field(default_factory=dict)
    job_id: str | None = None

    @property
    def key(self) -> str | None:
        """The queue-wide id of a job given a ``job_id``: one per tenant, so two tenants
        using the same ``job_id`` never suppress each other's job."""
        if self.job_id is None:
            return None
        owner = "platform" if self.tenant_id is None else f"t{self.tenant_id}"
        return f"{owner}-{self.job_id}"


def enqueue(
    path: str,
    *,
    plugin: str | None = None,
    tenant_id: int | None = None,
    platform: bool = False,
    job_id: str | None = None,
    **kwargs: Any,
) -> JobCall:
    """Queue ``path`` to run after the current transaction commits.

    ``tenant_id`` defaults to the tenant in scope; ``platform=True`` runs the job with
    no tenant (set-based scans that open their own audited cross-tenant scope).
    ``plugin`` defaults to the installed plugin whose package holds ``path``; the job is
    refused where that plugin is not enabled. ``kwargs`` must be JSON values (ids, not
    ORM objects): the job gets a JSON copy of them, in-process as on RQ.

    ``job_id`` makes the job unique in its tenant: while a job with that id is queued,
    scheduled for a retry or running, enqueueing it again does nothing.
    """
    if platform and tenant_id is not None:
        raise ValueError("a platform job has no tenant_id")
    if not platform and tenant_id is None:
        tenant_id = current_tenant_id()
    resolve(path)  # a typo fails here, in the caller, rather than later in a worker
    if job_id is not None and not _JOB_ID.fullmatch(job_id):
        raise ValueError(f"job_id {job_id!r}: use 1-150 letters, digits, '_' or '-'")
    try:
        payload = json.loads(json.dumps(kwargs))
    except (TypeError, ValueError) as exc:
        raise TypeError(f"arguments of job {path} must be JSON values (ids, not objects)") from exc
    user = g.get("user") if has_app_context() else None
    call = JobCall(
        path,
        tenant_id,
        plugin or plugin_of(path),
        user.id if user else None,
        payload,
        job_id,
    )
    _defer(call)
    return call


def resolve(path: str) -> Callable[..., Any]:
    module, sep, name = path.partition(":")
    func = getattr(importlib.import_module(module), name, None) if sep else None
    if not callable(func):
        raise ValueError(f"job path {path!r} is not 'package.module:function'")
    return func


def plugin_of(path: str) -> str | None:
    """The installed plugin whose package holds ``path`` (``None`` for core code)."""
    from core.plugins.manager import CORE, host

    module = path.partition(":")[0]
    for name, plugin in host().pm.list_name_plugin():
        package = _package_of(plugin)
        if name != CORE and package and (module == package or module.startswith(package + ".")):
            return name
    return None


def _package_of(plugin: object) -> str | None:
    """``plugins.petitions`` for the plugin module ``plugins.petitions.plugin``; a plugin
    that is a package itself, or a top-level module, stands for itself."""
    module = plugin if isinstance(plugin, ModuleType) else sys.modules.get(type(plugin).__module__)
    if module is None:
        return None
    name = module.__name__
    if hasattr(module, "__path__"):
        return name
    return name.rpartition(".")[0] or name


# -- after commit -----------------------------------------------------------------------


def _defer(call: JobCall) -> None:
    session = db.session()
    if not session.in_transaction():
        if not (has_request_context() or g.get("zugong_job")):
            submit(call)  # no transaction to wait for
            return
        # The request (or job) will commit or roll back: make that the job's transaction.
        session.begin()
    owner = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(_PENDING, []).append((call, owner))


@event.listens_for(TenantSession, "after_commit")
def _dispatch_pending(session: TenantSession) -> None:
    if session.in_nested_transaction():
        return  # a savepoint was released: its jobs wait for the outer transaction
    for call, _owner in session.info.pop(_PENDING, []):
        try:
            submit(call)
        except Exception:
            # The data is committed; failing the commit now would report a lie.
            log.exception("could not queue job %s for tenant %s", call.path, call.tenant_id)


@event.listens_for(TenantSession, "after_soft_rollback")
def _drop_rolled_back(session: TenantSession, previous: Any) -> None:
    """Drop the jobs enqueued in the rolled-back transaction or a savepoint inside it."""
    pending = session.info.get(_PENDING)
    if pending:
        pending[:] = [(call, owner) for call, owner in pending if not _inside(owner, previous)]


@event.listens_for(TenantSession, "after_transaction_end")
def _forget_unfinished(session: TenantSession, transaction: Any) -> None:
    if transaction.parent is None:
        session.info.pop(_PENDING, None)  # closed without commit: nothing to queue


def _inside(transaction: Any, ancestor: Any) -> bool:
    while transaction is not None:
        if transaction is ancestor:
            return True
        transaction = transaction.parent
    return False


def once(key: str) -> bool:
    """``True`` the first time ``key`` is claimed in the tenant in scope, then ``False``.

    The claim is part of the caller's transaction: if the job fails and rolls back, the
    occasion is free again for the retry. Concurrent claims of one key wait for each
    other on the unique index, so exactly one of them gets ``True``.
    """
    if not key or len(key) > 200:
        raise ValueError("an occasion key has 1-200 characters")
    result = db.session.execute(
        upsert_insert(Occasion)
        .values(tenant_id=current_tenant_id(), key=key, created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["tenant_id", "key"])
        .returning(Occasion.id)
        .execution_options(**{TENANT_CHECKED: True})
    )
    # RETURNING, not rowcount: an ORM-enabled INSERT on psycopg reports rowcount -1.
    return result.first() is not None


# -- backends -------------------------------------------------------------------------


def retry_intervals(app: Flask) -> tuple[int, ...]:
    return tuple(app.config.get("JOB_RETRY_INTERVALS") or RETRY_INTERVALS)


class Backend(Protocol):
    """Where submitted jobs go: RQ, or the embedded pool (:mod:`core.jobs.backends`)."""

    def submit(self, call: JobCall) -> bool: ...


def backend() -> Backend:
    return current_app.extensions["zugong.jobs"]


def submit(call: JobCall) -> bool:
    """Hand ``call`` to the backend now (no transaction involved)."""
    return backend().submit(call)
