"""Runs the periodic jobs that core and the plugins declare.

The same loop runs inside ``zugong worker`` (production; several workers may run it:
each time slot is claimed once through a Redis ``SET NX``) and inside ``zugong serve``
(embedded; claims are kept in memory). A slot is ``floor(now / interval)``, so a job
runs once per interval however many schedulers are alive.
"""

from __future__ import annotations

import logging
import threading
import time

from flask import Flask
from sqlalchemy import select

from core.db import db
from core.jobs.dispatch import JobCall, backend
from core.plugins.manager import CORE
from core.plugins.types import PeriodicJob
from core.tenancy.models import Tenant, TenantPlugin

log = logging.getLogger(__name__)
TICK_SECONDS = 30


class Scheduler:
    def __init__(self, app: Flask) -> None:
        self.app = app
        self._claimed: set[str] = set()
        self._redis = None
        if app.config.get("REDIS_URL"):
            from redis import Redis

            self._redis = Redis.from_url(app.config["REDIS_URL"])

    def jobs(self) -> list[tuple[str, PeriodicJob]]:
        host = self.app.extensions["zugong.plugins"]
        found = []
        for name, plugin in host.pm.list_name_plugin():
            impl = getattr(plugin, "zugong_periodic_jobs", None)
            found.extend((name, job) for job in (impl() if impl else []))
        return found

    def tick(self, now: float | None = None) -> list[JobCall]:
        """Dispatch every job whose current slot is unclaimed; returns what was sent."""
        now = time.time() if now is None else now
        sent = []
        with self.app.app_context():
            for plugin, job in self.jobs():
                slot = int(now // job.interval.total_seconds())
                if not self._claim(f"{job.name}:{slot}", int(job.interval.total_seconds() * 2)):
                    continue
                for call in self._calls(plugin, job):
                    backend().submit(call)
                    sent.append(call)
            db.session.remove()
        return sent

    def _calls(self, plugin: str, job: PeriodicJob) -> list[JobCall]:
        owner = None if plugin == CORE else plugin
        if job.scope == "platform":
            return [JobCall(job.path, None, owner, None)]
        query = select(Tenant.id).where(Tenant.is_active, Tenant.kind != "platform")
        if owner:
            query = query.join(TenantPlugin, TenantPlugin.tenant_id == Tenant.id).where(
                TenantPlugin.plugin == owner, TenantPlugin.enabled
            )
        return [
            JobCall(job.path, tenant_id, owner, None) for tenant_id in db.session.scalars(query)
        ]

    def _claim(self, key: str, ttl: int) -> bool:
        if self._redis is not None:
            return bool(self._redis.set(f"zugong:periodic:{key}", "1", nx=True, ex=ttl))
        if key in self._claimed:
            return False
        self._claimed.add(key)
        return True

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
