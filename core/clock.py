"""The application's clock: the one place that says what time and what day it is.

Deadlines, traffic lights and reminders depend on "today" in Asia/Shanghai, not on the
server's time zone. Going through this module also lets tests and end-to-end runs move
time (:func:`set_offset`) or stop it (:func:`freeze`) without patching ``datetime``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Shanghai")

_offset = timedelta(0)
_frozen: datetime | None = None


def now() -> datetime:
    """The current time, aware, in Asia/Shanghai (frozen and/or shifted if so set)."""
    base = _frozen if _frozen is not None else datetime.now(TZ)
    return (base + _offset).astimezone(TZ)


def today() -> date:
    """Today's date in Asia/Shanghai, which is the date every deadline is counted in."""
    return now().date()


def set_offset(offset: timedelta) -> None:
    """Shift the clock by ``offset`` (``timedelta(0)`` resets), e.g. to see overdue items."""
    global _offset
    _offset = offset


@contextmanager
def shifted(delta: timedelta) -> Iterator[None]:
    """Run the block ``delta`` later (or earlier) than the clock says, then put it back:
    for demo data dated relative to today (a request sent five days ago)."""
    global _offset
    before = _offset
    _offset = before + delta
    try:
        yield
    finally:
        _offset = before


def freeze(at: datetime | None) -> None:
    """Stop the clock at ``at`` (aware), or let it run again with ``None``."""
    global _frozen
    if at is not None and at.tzinfo is None:
        raise ValueError("freeze() needs an aware datetime")
    _frozen = at
