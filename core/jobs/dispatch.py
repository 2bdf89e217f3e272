"""Queueing jobs after commit, through RQ or in-process."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import Any

from flask import Flask, current_app, g, has_app_context
from sqlalchemy import event

from core.db import db, upsert_insert, utcnow
from core.jobs.models import Occasion
from core.tenancy.scope import current_scope, current_tenant_id
from core.tenancy.session import TENANT_CHECKED, TenantSession

log = logging.getLogger(__name__)

RETRY_INTERVALS = (10, 60, 300)  # seconds between RQ's attempts


@dataclass(frozen=True)
class JobCall:
    path: str  # "package.module:function"
    tenant_id: int | None
    plugin: str | None
    user_id: int | None
    kwargs: dict[str, Any] = field(default_factory=dict)
    job_id: str | None = None


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
    """
    if not platform and tenant_id is None:
        tenant_id = current_tenant_id()
    user = g.get("user") if has_app_context() else None
    call = JobCall(path, tenant_id, plugin, user.id if user else None, kwargs, job_id)
    session = db.session()
    if session.in_transaction():
        session.info.setdefault("zugong_pending_jobs", []).append(call)
    else:
        backend().submit(call)
    return call


@event.listens_for(TenantSession, "after_commit")
def _dispatch_pending(session: TenantSession) -> None:
    for call in session.info.pop("zugong_pending_jobs", []):
        backend().submit(call)


@event.listens_for(TenantSession, "after_rollback")
def _drop_pending(session: TenantSession) -> None:
    session.info.pop("zugong_pending_jobs", None)


def once(key: str) -> bool:
    """``True`` the first time ``key`` is claimed in the tenant in scope, then ``False``.

    The claim is part of the caller's transaction: if the job fails and rolls back, the
    occasion is free again for the retry.
    """
    result = db.session.execute(
        upsert_insert(Occasion)
        .values(tenant_id=current_tenant_id(), key=key, created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["tenant_id", "key"])
        .execution_options(**{TENANT_CHECKED: True})
    )
    return result.rowcount == 1


# -- backends -------------------------------------------------------------------------


class RQBackend:
    def __init__(self, redis_url: str, queue_name: str) -> None:
        from redis import Redis
        from rq import Queue

        self.redis = Redis.from_url(redis_url)
        self.queue = Queue(queue_name, connection=self.redis)

    def submit(self, call: JobCall) -> None:
        from rq import Retry

        self.queue.enqueue(
            "core.jobs.runner.run_call",
            asdict(call),
            job_id=call.job_id,
            retry=Retry(max=len(RETRY_INTERVALS), interval=list(RETRY_INTERVALS)),
            description=f"{call.path} tenant={call.tenant_id}",
        )


class InProcessBackend:
    """The embedded mode: the same runner, on a background thread (or inline in tests)."""

    def __init__(self, app: Flask, inline: bool) -> None:
        self.app = app
        self.inline = inline
        self.pool = None if inline else ThreadPoolExecutor(max_workers=2, thread_name_prefix="job")
        self.lock = threading.Lock()

    def submit(self, call: JobCall) -> None:
        from core.jobs.runner import run_with_retries

        if self.pool is None:
            run_with_retries(self.app, call)
        else:
            self.pool.submit(run_with_retries, self.app, call)


def init_backend(app: Flask) -> None:
    if app.config.get("REDIS_URL"):
        app.extensions["zugong.jobs"] = RQBackend(app.config["REDIS_URL"], app.config["RQ_QUEUE"])
    else:
        inline = bool(app.config.get("JOBS_INLINE", app.config.get("TESTING", False)))
        app.extensions["zugong.jobs"] = InProcessBackend(app, inline=inline)


def backend() -> RQBackend | InProcessBackend:
    return current_app.extensions["zugong.jobs"]


def scope_is_platform() -> bool:
    return current_scope().tenant_id is None
