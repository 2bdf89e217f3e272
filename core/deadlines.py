"""Deadlines as people see them: the due date, its traffic light under the tenant's
warning window, and whether the holiday data behind it was estimated.

Plugins compute due dates with :mod:`core.calendar` and present them with
:func:`deadline`, so every list, to-do item and page colours them the same way. The
warning window is the core setting ``warning_days`` (layered: platform → ancestors →
tenant), unless a plugin passes its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from core import clock
from core.calendar import Due, Light, traffic_light
from core.plugins.settings import resolved_settings
from core.tenancy.models import Tenant


@dataclass(frozen=True)
class Deadline:
    due: date
    light: Light
    days_left: int  # negative when overdue
    estimated: bool  # the holiday schedule of a year involved was not loaded


def warning_days(tenant: Tenant) -> int:
    return resolved_settings(tenant, "core")["warning_days"]


def deadline(
    due: Due | date,
    tenant: Tenant,
    *,
    today: date | None = None,
    window: int | None = None,
) -> Deadline:
    """The traffic light of ``due`` for ``tenant`` (green, yellow within the warning
    window, red once passed), computed on the server in Asia/Shanghai."""
    day, estimated = (due.date, due.estimated) if isinstance(due, Due) else (due, False)
    today = today or clock.today()
    window = warning_days(tenant) if window is None else window
    return Deadline(day, traffic_light(day, today, window), (day - today).days, estimated)
