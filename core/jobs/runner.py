"""Running one job: app context, tenant scope, plugin check, one transaction.

A job runs as it would in a request of its tenant: in a fresh context (nothing of the
caller's app, request or tenant leaks in), inside its tenant's scope, with ``g.user``
the user who enqueued it and ``g.actor`` that user's permissions there now (scheduled
jobs have no user and act as the system). It is refused, and does nothing, when its
tenant is gone or inactive or its plugin is not enabled there. Everything it writes is
one transaction, committed when it returns and rolled back when it raises.
"""

from __future__ import annotations

import contextvars
import logging
import os
import time
from collections.abc import Callable
from typing import Any

from flask import Flask, g
from sqlalchemy import select

from core.db import db
from core.jobs.dispatch import IN_PROCESS_MAX_WAIT, JobCall, resolve, retry_intervals

log = logging.getLogger(__name__)

_worker_app: Flask | None = None
_pool_pid: int | None = None


class JobRefused(Exception):
    """The job's tenant is gone or its plugin is not enabled there; it will not run."""


def set_worker_app(app: Flask) -> None:
    global _worker_app, _pool_pid
    _worker_app = app
    _pool_pid = os.getpid()


def run_call(call: dict[str, Any]) -> None:
    """RQ's entry point (the worker process created its app with :func:`set_worker_app`).

    Returns nothing: jobs report through the database, and RQ would have to pickle a
    result (a failure to pickle would fail, and retry, a job that had done its work).
    """
    global _pool_pid
    if _worker_app is None:
        # The runner never builds the app itself (core.app imports the jobs, so that
        # would be a cycle): the worker process does, and hands it over first.
        raise RuntimeError("no app for the job runner: start workers with `zugong worker`")
    if _pool_pid != os.getpid():
        # RQ forks a work horse per job: it must not use the connections the parent
        # pooled (the scheduler thread's, say), or both talk over one socket.
        with _worker_app.app_context():
            for engine in db.engines.values():
                engine.dispose(close=False)
        _pool_pid = os.getpid()
    run(_worker_app, JobCall(**call))


def run(app: Flask, call: JobCall) -> Any:
    """Run ``call`` once; returns its result, ``None`` if refused, raises if it failed."""
    return contextvars.Context().run(_run, app, call)


def _run(app: Flask, call: JobCall) -> Any:
    from core.auth.models import User
    from core.tenancy.scope import tenant_scope

    func = resolve(call.path)
    with app.app_context():
        g.zugong_job = call
        try:
            user = db.session.get(User, call.user_id) if call.user_id else None
            g.user = user
            if call.tenant_id is None:
                g.actor = _platform_actor(user)
                result = func(**call.kwargs)
                db.session.commit()
                return result
            tenant = _admit(call)
            g.tenant = tenant
            with tenant_scope(tenant.id):
                g.actor = _tenant_actor(user, tenant)
                result = func(**call.kwargs)
                db.session.commit()
            return result
        except JobRefused as exc:
            db.session.rollback()
            log.warning("refused job %s: %s", call.path, exc)
            return None
        except Exception:
            db.session.rollback()
            raise


def _admit(call: JobCall) -> Any:
    from core.plugins.manager import is_enabled
    from core.tenancy.models import Tenant

    tenant = db.session.get(Tenant, call.tenant_id)
    if tenant is None or not tenant.is_active:
        raise JobRefused(f"tenant {call.tenant_id} is gone or inactive")
    if call.plugin and not is_enabled(tenant, call.plugin):
        raise JobRefused(f"plugin {call.plugin} is not enabled for {tenant.slug}")
    return tenant


def _platform_actor(user: Any) -> Any:
    from core.auth.users import Actor, system_actor

    return system_actor() if user is None else Actor(user=user)


def _tenant_actor(user: Any, tenant: Any) -> Any:
    from core.auth.models import Membership
    from core.auth.permissions import permissions_of
    from core.auth.users import Actor, system_actor

    if user is None:
        return system_actor()
    membership = db.session.scalar(
        select(Membership).where(Membership.user_id == user.id, Membership.is_active)
    )
    if membership is None:
        return Actor(user=user)  # no longer a member here: may do nothing in its name
    return Actor(user=user, membership=membership, permissions=permissions_of(membership, tenant))


def run_with_retries(app: Flask, call: JobCall, sleep: Callable[[float], Any] = time.sleep) -> Any:
    """In-process equivalent of RQ's retry policy (waits capped: there is no scheduler).

    Returns the job's result, or ``None`` when it was refused or failed every attempt.
    """
    intervals = retry_intervals(app)
    for attempt in range(len(intervals) + 1):
        try:
            return run(app, call)
        except Exception:
            if attempt == len(intervals):
                log.exception("job %s failed %d times, giving up", call.path, attempt + 1)
                return None
            log.warning(
                "job %s failed (attempt %d), retrying", call.path, attempt + 1, exc_info=True
            )
            sleep(min(intervals[attempt], IN_PROCESS_MAX_WAIT))
    return None
