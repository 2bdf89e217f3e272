"""Reading what jobs did, and acting as a tenant's user outside a request."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask, g
from sqlalchemy import select

from core.audit.models import AuditEntry
from core.auth.models import User
from core.db import db
from core.serials import SerialCounter
from core.tenancy.scope import tenant_scope


@contextmanager
def acting(app: Flask, tenant_id: int, user_id: int | None = None) -> Iterator[None]:
    """Like a request of ``tenant_id`` by ``user_id``: an app context in the tenant's scope
    with ``g.user`` set, committed at the end unless the block raised."""
    with app.app_context():
        g.user = db.session.get(User, user_id) if user_id else None
        with tenant_scope(tenant_id):
            try:
                yield
            except BaseException:
                db.session.rollback()
                raise
            db.session.commit()


def serial_value(app: Flask, tenant_id: int, prefix: str) -> int | None:
    """The last serial number handed out under ``prefix`` in the tenant (``None``: none)."""
    with app.app_context(), tenant_scope(tenant_id):
        value = db.session.scalar(select(SerialCounter.value).where(SerialCounter.prefix == prefix))
        db.session.rollback()
        return value


def audit_entries(app: Flask, tenant_id: int, action: str = "test.job") -> list[AuditEntry]:
    with app.app_context(), tenant_scope(tenant_id):
        entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()
        db.session.expunge_all()
        db.session.rollback()
        return list(entries)


def queue_of(app: Flask) -> Any:
    return app.extensions["zugong.jobs"].queue


def work_burst(app: Flask) -> None:
    """Run RQ's SimpleWorker in this process until the app's queue is empty."""
    from rq import SimpleWorker

    from core.jobs import runner

    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    previous = runner._worker_app, runner._pool_pid
    runner.set_worker_app(app)
    try:
        queue = queue_of(app)
        SimpleWorker([queue], connection=queue.connection).work(burst=True, logging_level="WARNING")
    finally:
        runner._worker_app, runner._pool_pid = previous
        for sig, handler in saved.items():
            signal.signal(sig, handler)
