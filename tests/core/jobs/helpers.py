"""Reading what jobs did, and acting as a tenant's user outside a request."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
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


ROOT = Path(__file__).resolve().parents[3]
ZUGONG = Path(sys.executable).with_name("zugong")


def worker_process(app: Flask, *args: str) -> subprocess.Popen:
    """``zugong worker *args`` as a real process (in its own session) on ``app``'s
    database, Redis and queue; its output is piped."""
    env = {
        **os.environ,
        "ZUGONG_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "ZUGONG_OWNER_DATABASE_URL": app.config["OWNER_DATABASE_URL"],
        "ZUGONG_REDIS_URL": app.config["REDIS_URL"],
        "ZUGONG_RQ_QUEUE": app.config["RQ_QUEUE"],
        "ZUGONG_INSTANCE_PATH": app.instance_path,
        "ZUGONG_SECRET_KEY": "test-secret-key",
        "ZUGONG_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),  # the job functions live in the tests package
    }
    return subprocess.Popen(
        [str(ZUGONG), "worker", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
