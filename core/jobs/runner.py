"""Running one job: app context, tenant scope, plugin check, one transaction."""

from __future__ import annotations

import importlib
import logging
import time
from typing import Any

from flask import Flask, g

from core.db import db
from core.jobs.dispatch import RETRY_INTERVALS, JobCall

log = logging.getLogger(__name__)

_worker_app: Flask | None = None


class JobRefused(Exception):
    """The job's plugin is not enabled for its tenant; it will not run there."""


def set_worker_app(app: Flask) -> None:
    global _worker_app
    _worker_app = app


def run_call(call: dict[str, Any]) -> Any:
    """RQ's entry point (the worker process created its app with :func:`set_worker_app`)."""
    if _worker_app is None:
        from core.app import create_app

        set_worker_app(create_app())
    return run(_worker_app, JobCall(**call))


def run(app: Flask, call: JobCall) -> Any:
    from core.auth.models import User
    from core.plugins.manager import is_enabled
    from core.tenancy.models import Tenant
    from core.tenancy.scope import tenant_scope

    func = _resolve(call.path)
    with app.app_context():
        g.user = db.session.get(User, call.user_id) if call.user_id else None
        try:
            if call.tenant_id is None:
                result = func(**call.kwargs)
            else:
                tenant = db.session.get(Tenant, call.tenant_id)
                if tenant is None or not tenant.is_active:
                    raise JobRefused(f"tenant {call.tenant_id} is gone")
                if call.plugin and not is_enabled(tenant, call.plugin):
                    raise JobRefused(f"{call.plugin} is not enabled for {tenant.slug}")
                with tenant_scope(tenant.id):
                    result = func(**call.kwargs)
            db.session.commit()
            return result
        except JobRefused:
            db.session.rollback()
            log.warning("refused job %s for tenant %s", call.path, call.tenant_id)
            return None
        except Exception:
            db.session.rollback()
            raise


def run_with_retries(app: Flask, call: JobCall, sleep: Any = time.sleep) -> Any:
    """In-process equivalent of RQ's retry policy (shortened waits are fine embedded)."""
    for attempt in range(len(RETRY_INTERVALS) + 1):
        try:
            return run(app, call)
        except Exception:
            log.exception("job %s failed (attempt %d)", call.path, attempt + 1)
            if attempt == len(RETRY_INTERVALS) or app.config.get("TESTING"):
                return None
            sleep(min(RETRY_INTERVALS[attempt], 5))
    return None


def _resolve(path: str) -> Any:
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)
