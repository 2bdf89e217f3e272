"""Counting requests per client in fixed windows: Redis when configured, else in-process.

Public endpoints (the petition portal) need limits that hold across every web process,
so with ``REDIS_URL`` set the counters live in Redis (``INCR`` plus an expiry, atomic per
key); the embedded mode has one process and keeps them in memory. Windows are aligned
to Beijing time, so a one-day window is a calendar day in Asia/Shanghai, as a person
reading "每日五件" expects. The time comes from :mod:`core.clock`, which tests can stop.

    decision = limiter().hit("portal.submit", client_key(), limit=5, window=timedelta(days=1))
    if not decision.allowed:
        ...  # 429, Retry-After: decision.retry_after

The login throttle (:mod:`core.auth.login`) is different on purpose: it counts failed
attempts recorded in the database, per username as well as per address, so a lock also
shows in the attempts table. This module counts events that leave no row of their own.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from datetime import timedelta

from flask import Flask, current_app, request

from core import clock

#: Added to epoch seconds so that windows start at Beijing midnight / on the hour.
_BEIJING_OFFSET = 8 * 3600
_PREFIX = "zugong:rate"


@dataclass(frozen=True)
class Decision:
    allowed: bool
    count: int
    limit: int
    #: Seconds until the current window ends (for a Retry-After header).
    retry_after: int


def _slot(window: timedelta) -> tuple[int, int]:
    """(the current window's number, seconds left in it)."""
    seconds = max(int(window.total_seconds()), 1)
    now = int(clock.now().timestamp()) + _BEIJING_OFFSET
    return now // seconds, seconds - now % seconds


class MemoryCounter:
    """Counters of one process (embedded mode); expired windows are dropped as we go."""

    def __init__(self) -> None:
        self._counts: dict[str, tuple[int, int]] = {}  # key -> (count, slot)
        self._lock = threading.Lock()

    def incr(self, key: str, slot: int, _ttl: int) -> int:
        with self._lock:
            count, at = self._counts.get(key, (0, slot))
            count = count + 1 if at == slot else 1
            self._counts[key] = (count, slot)
            if len(self._counts) > 10_000:
                self._counts = {k: v for k, v in self._counts.items() if v[1] == slot}
            return count

    def get(self, key: str, slot: int) -> int:
        with self._lock:
            count, at = self._counts.get(key, (0, slot))
            return count if at == slot else 0


class RedisCounter:
    """Counters shared by every process through Redis; each window is its own key."""

    def __init__(self, url: str) -> None:
        from redis import Redis

        self.redis = Redis.from_url(url)

    def incr(self, key: str, slot: int, ttl: int) -> int:
        name = f"{key}:{slot}"
        pipe = self.redis.pipeline()
        pipe.incr(name)
        pipe.expire(name, ttl + 60)
        count, _ = pipe.execute()
        return int(count)

    def get(self, key: str, slot: int) -> int:
        value = self.redis.get(f"{key}:{slot}")
        return int(value) if value else 0


class RateLimiter:
    def __init__(self, counter: MemoryCounter | RedisCounter) -> None:
        self.counter = counter

    def hit(self, name: str, client: str, *, limit: int, window: timedelta) -> Decision:
        """Count one event of ``client`` under ``name``; refused once over ``limit``."""
        slot, left = _slot(window)
        count = self.counter.incr(f"{_PREFIX}:{name}:{client}", slot, left)
        return Decision(count <= limit, count, limit, left)

    def peek(self, name: str, client: str, *, limit: int, window: timedelta) -> Decision:
        """Whether one more event would be allowed, counting nothing."""
        slot, left = _slot(window)
        count = self.counter.get(f"{_PREFIX}:{name}:{client}", slot)
        return Decision(count < limit, count, limit, left)


def make_limiter(app: Flask) -> RateLimiter:
    url = app.config.get("REDIS_URL")
    return RateLimiter(RedisCounter(url) if url else MemoryCounter())


def limiter() -> RateLimiter:
    """The application's limiter, made on first use."""
    found = current_app.extensions.get("zugong.ratelimit")
    if found is None:
        found = current_app.extensions["zugong.ratelimit"] = make_limiter(current_app)
    return found


def client_key() -> str:
    """The requesting client, as a digest of its address (behind ``TRUSTED_PROXIES``
    proxies, the forwarded one): counters need no readable address."""
    address = request.remote_addr or "unknown"
    return hashlib.sha256(address.encode()).hexdigest()[:24]
