"""Runs the periodic jobs that core and the plugins declare.

The same loop runs inside ``zugong worker`` (production; several workers may run it:
each time slot is claimed once through a Redis ``SET NX``) and inside ``zugong serve``
(embedded; claims are kept in memory). A slot is ``floor(now / interval)``, so a job
runs once per interval however many schedulers are alive. A per-tenant job goes to each
active tenant that enables its plugin (core's to every active tenant); a platform job is
sent once, with no tenant.
"""

from __future__ import annotations

import logging
import re
import threading
import time

from flask import Flask
from sqlalchemy import select

from core.db import db
from core.jobs.dispatch import JobCall, submit
from core.plugins.manager import CORE
from core.plugins.types import PeriodicJob
from core.tenancy.models import Tenant, TenantPlugin

log = logging.getLogger(__name__)
TICK_SECONDS = 30


class Scheduler:
    def __init__(self, app: Flask) -> None:
        self.app = app
        self._last_slot: dict[str, int] = {}  # embedded: job name -> last claimed slot
        self._redis = None
        self._prefix = f"zugong:periodic:{app.config.get('RQ_QUEUE', 'zugong')}"
        if app.config.get("REDIS_URL"):
            from redis import Redis

            self._redis = Redis.from_url(app.config["REDIS_URL"])

    def jobs(self) -> list[tuple[str, PeriodicJob]]:
        host = self.app.extensions["zugong.plugins"]
        return [
            (name, job)
            for name, jobs in host.call_each("zugong_periodic_jobs")
            for job in jobs or []
        ]

    def tick(self, now: float | None = None) -> list[JobCall]:
        """Dispatch every job whose current slot is unclaimed; returns what was sent.

        A job whose dispatch fails gives its slot back (the next tick tries again) and
        does not stop the others.
        """
        now = time.time() if now is None else now
        sent: list[JobCall] = []
        with self.app.app_context():
            for plugin, job in self.jobs():
                seconds = int(job.interval.total_seconds())
                slot = int(now // seconds)
                if not self._claim(job.name, slot, ttl=seconds * 2):
                    continue
                try:
                    calls = self._calls(plugin, job, slot)
                    db.session.rollback()  # end the read transaction before dispatching
                    sent.extend(call for call in calls if submit(call))
                except Exception:
                    log.exception("periodic job %s failed to dispatch", job.name)
                    db.session.rollback()
                    self._release(job.name, slot)
            db.session.remove()
        return sent

    def _calls(self, plugin: str, job: PeriodicJob, slot: int) -> list[JobCall]:
        owner = None if plugin == CORE else plugin
        # The same job of the same slot has one id: a second dispatch of it is a no-op.
        job_id = f"periodic-{re.sub(r'[^A-Za-z0-9_-]', '_', job.name)}-{slot}"
        if job.scope == "platform":
            return [JobCall(job.path, None, owner, None, {}, job_id)]
        query = select(Tenant.id).where(Tenant.is_active, Tenant.kind != "platform")
        if owner:
            query = query.join(TenantPlugin, TenantPlugin.tenant_id == Tenant.id).where(
                TenantPlugin.plugin == owner, TenantPlugin.enabled
            )
        return [
            JobCall(job.path, tenant_id, owner, None, {}, job_id)
            for tenant_id in db.session.scalars(query.order_by(Tenant.id))
        ]

    def _claim(self, name: str, slot: int, ttl: int) -> bool:
        if self._redis is not None:
            key = f"{self._prefix}:{name}:{slot}"
            return bool(self._redis.set(key, "1", nx=True, ex=max(ttl, 1)))
        if self._last_slot.get(name, -1) >= slot:
            return False
        self._last_slot[name] = slot
        return True

    def _release(self, name: str, slot: int) -> None:
        if self._redis is not None:
            self._redis.delete(f"{self._prefix}:{name}:{slot}")
        elif self._last_slot.get(name) == slot:
            del self._last_slot[name]

    def run_forever(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                self.tick()
            except Exception:
                log.exception("scheduler tick failed")
            stop.wait(TICK_SECONDS)


def start_scheduler_thread(app: Flask) -> threading.Event:
    stop = threading.Event()
    thread = threading.Thread(
        target=Scheduler(app).run_forever, args=(stop,), name="zugong-scheduler", daemon=True
    )
    thread.start()
    return stop
