"""Counting events per client in fixed windows aligned to Beijing time, in memory
(embedded mode) or in Redis (shared by every process), with the same answers."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from core import clock
from core.ratelimit import MemoryCounter, RateLimiter, RedisCounter


@pytest.fixture
def frozen():
    def at(day: date, hour: int = 12) -> None:
        clock.freeze(datetime.combine(day, time(hour), tzinfo=clock.TZ))

    yield at
    clock.freeze(None)


def _exercise(limiter: RateLimiter, frozen) -> None:
    frozen(date(2026, 9, 16), 9)
    day = timedelta(days=1)
    results = [limiter.hit("t", "client-a", limit=3, window=day).allowed for _ in range(4)]
    assert results == [True, True, True, False]
    assert limiter.peek("t", "client-a", limit=3, window=day).allowed is False
    assert limiter.hit("t", "client-b", limit=3, window=day).allowed  # another client
    assert limiter.hit("u", "client-a", limit=3, window=day).allowed  # another name
    refused = limiter.hit("t", "client-a", limit=3, window=day)
    assert refused.count == 5 and refused.retry_after == 15 * 3600  # until Beijing midnight
    frozen(date(2026, 9, 16), 23)
    assert not limiter.peek("t", "client-a", limit=3, window=day).allowed
    frozen(date(2026, 9, 17), 0)  # a new day in Beijing
    assert limiter.peek("t", "client-a", limit=3, window=day).allowed
    assert limiter.hit("t", "client-a", limit=3, window=day).count == 1


def test_the_in_process_limiter_counts_per_client_and_window(frozen):
    _exercise(RateLimiter(MemoryCounter()), frozen)


def test_the_redis_limiter_counts_the_same_and_expires_its_keys(redis_url, frozen):
    limiter = RateLimiter(RedisCounter(redis_url))
    _exercise(limiter, frozen)
    keys = limiter.counter.redis.keys("zugong:rate:*")
    assert keys and all(0 < limiter.counter.redis.ttl(k) <= 2 * 86400 for k in keys)
    # Two limiters on one Redis (two web processes) share the count.
    other = RateLimiter(RedisCounter(redis_url))
    hour = timedelta(hours=1)
    assert limiter.hit("v", "c", limit=1, window=hour).allowed
    assert not other.hit("v", "c", limit=1, window=hour).allowed
