"""Job functions for the tests (core jobs: no plugin owns this module).

Besides their effect in the database, in-process runs leave a note in :data:`RAN`, so a
test can tell whether a job ran yet and as whom.
"""

from __future__ import annotations

import os
import time
from typing import Any

from flask import current_app, g

from core.audit.service import record
from core.auth.users import current_actor
from core.jobs import once
from core.serials import next_serial
from core.tenancy.scope import current_scope

RAN: list[dict[str, Any]] = []
ATTEMPTS: dict[str, int] = {}


def _note(job: str, **extra: Any) -> None:
    user = g.get("user")
    RAN.append(
        {
            "job": job,
            "tenant": current_scope().tenant_id,
            "user": user.id if user else None,
            **extra,
        }
    )


def make_serial(prefix: str = "JOB") -> str:
    """A tenant-owned row (the serial counter) and an audit entry, both in the job's tenant."""
    serial = next_serial(prefix)
    record("test.job", detail={"serial": serial})
    _note("make_serial", serial=serial)
    return serial


def flaky(prefix: str, failures: int, name: str) -> str:
    """Writes, then fails ``failures`` times before succeeding: failed attempts' writes
    must roll back."""
    serial = next_serial(prefix)
    ATTEMPTS[name] = ATTEMPTS.get(name, 0) + 1
    if ATTEMPTS[name] <= failures:
        raise RuntimeError(f"{name}: attempt {ATTEMPTS[name]} fails on purpose")
    _note("flaky", serial=serial)
    return serial


def always_fails() -> None:
    raise RuntimeError("fails on purpose")


def claim(key: str, prefix: str) -> str | None:
    """Does its work once per occasion, however often it runs."""
    if not once(key):
        return None
    return next_serial(prefix)


def check_actor(permission: str) -> bool:
    allowed = current_actor().can(permission)
    _note("check_actor", allowed=allowed)
    return allowed


def platform_probe() -> None:
    _note("platform_probe")


def enqueue_child(prefix: str, fail: bool = False) -> None:
    """A job that enqueues another: the child goes out only if this job commits."""
    from core.jobs import enqueue

    enqueue("tests.core.jobs.tasks:make_serial", prefix=prefix)
    _note("enqueue_child")
    if fail:
        raise RuntimeError("parent fails after enqueueing")


def blocked_serial(prefix: str, block_key: str, limit: float = 60.0) -> str:
    """Writes a serial, then waits while ``block_key`` exists in Redis (the test kills the
    worker meanwhile); the running attempt announces itself with its pid."""
    from redis import Redis

    serial = next_serial(prefix)
    redis = Redis.from_url(current_app.config["REDIS_URL"])
    redis.set(f"{block_key}:running", os.getpid())
    deadline = time.monotonic() + limit
    while redis.exists(block_key) and time.monotonic() < deadline:
        time.sleep(0.05)
    return serial


EVENTS: dict[str, Any] = {}


def wait_then_serial(event: str) -> str:
    """Waits (at most 10 s) for the test to set ``EVENTS[event]`` (in-process only)."""
    EVENTS[event].wait(10)
    return next_serial("GATE")


def fails_first(prefix: str, counter_key: str) -> str:
    """Writes a serial, and fails the first attempt (counted in Redis, so across worker
    processes): the serial that stays is the retry's."""
    from redis import Redis

    serial = next_serial(prefix)
    if Redis.from_url(current_app.config["REDIS_URL"]).incr(counter_key) == 1:
        raise RuntimeError("the first attempt fails on purpose")
    return serial
