"""Timing a call repeatedly, for every benchmark script (``from timing import ...``:
the scripts run as ``python bench/<name>.py``, so this folder is on the path)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def samples_ms(fn: Callable[[], object], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def timed(fn: Callable[[], object], repeat: int = 20) -> tuple[float, float]:
    """Median and worst of ``repeat`` calls, in milliseconds."""
    samples = samples_ms(fn, repeat)
    return statistics.median(samples), max(samples)


def best_of(repeat: int, fn: Callable[[], object]) -> float:
    """The fastest of ``repeat`` calls, in milliseconds (warm cache: what a user sees)."""
    return min(samples_ms(fn, repeat))
