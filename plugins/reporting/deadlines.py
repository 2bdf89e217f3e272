"""Incident deadlines (突发事件), in clock hours in Asia/Shanghai, and the UTC form every
time of the plugin is stored in."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from core.calendar import period_end
from plugins.reporting.settings import INCIDENT_LATEST_HOURS

if TYPE_CHECKING:
    from plugins.reporting.models import ReportItem


def aware(value: datetime) -> datetime:
    """Stored times are UTC; SQLite hands them back naive."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def utc(value: datetime) -> datetime:
    """The UTC form every time is stored in (SQLite would keep the wall time only)."""
    return aware(value).astimezone(UTC)


def incident_due(occurred_at: datetime, due_hours: int) -> tuple[datetime, datetime]:
    """When an incident that happened at ``occurred_at`` is due upward, and the latest it
    may come (24 hours), in UTC. Clock hours, not working days: midnight changes nothing."""
    start = utc(occurred_at)
    due = period_end(start, min(due_hours, INCIDENT_LATEST_HOURS), "clock_hours").at
    latest = period_end(start, INCIDENT_LATEST_HOURS, "clock_hours").at
    assert due is not None and latest is not None  # clock-hour periods carry the instant
    return due.astimezone(UTC), latest.astimezone(UTC)


def is_late(item: ReportItem, at: datetime) -> bool:
    """迟报: an incident submitted after it was due."""
    return item.due_at is not None and utc(at) > aware(item.due_at)
