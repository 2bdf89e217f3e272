"""The traffic light of an item as one SQL expression, so the board, the to-do list and
the hourly scan all agree: red once its deadline or a milestone has passed, yellow when
one of them falls inside the tenant's warning window, when the progress report is late
or the item is not yet acknowledged in time, else green (NULL for a closed item)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, case, exists, or_, select
from sqlalchemy.orm import aliased

from core import clock
from core.db import db
from core.deadlines import warning_days
from core.plugins.settings import resolved_settings, resolved_settings_of
from core.tenancy.models import Tenant
from plugins.supervision.models import OPEN_STATES, SupervisionItem, SupervisionMilestone

Item = SupervisionItem


@dataclass(frozen=True)
class Window:
    today: date
    warn_until: date  # yellow when a date falls on or before this day
    remind_until: date  # remind ahead when a date falls on or before this day


def window_for(tenant: Tenant, today: date | None = None) -> Window:
    today = today or clock.today()
    settings = resolved_settings(tenant, "supervision")
    return Window(
        today,
        today + timedelta(days=warning_days(tenant)),
        today + timedelta(days=settings["remind_days_before"]),
    )


def windows_for(tenant_ids: list[int], today: date | None = None) -> dict[int, Window]:
    """:func:`window_for` of many tenants, their settings resolved at once (the scan)."""
    today = today or clock.today()
    ours = resolved_settings_of(tenant_ids, "supervision")
    core = resolved_settings_of(tenant_ids, "core")
    return {
        t: Window(
            today,
            today + timedelta(days=core[t]["warning_days"]),
            today + timedelta(days=ours[t]["remind_days_before"]),
        )
        for t in tenant_ids
    }


def light_expression(window: Window) -> Any:
    """The colour of an item as a SQL expression (NULL for a closed item)."""
    m = aliased(SupervisionMilestone)
    open_milestone = and_(m.tenant_id == Item.tenant_id, m.item_id == Item.id, m.done_on.is_(None))
    milestone_passed = exists().where(open_milestone, m.due < window.today)
    milestone_near = exists().where(open_milestone, m.due <= window.warn_until)
    return case(
        (Item.state.not_in(OPEN_STATES), None),
        (or_(Item.deadline < window.today, milestone_passed), "red"),
        (
            or_(
                Item.deadline <= window.warn_until,
                milestone_near,
                Item.report_due < window.today,
                and_(Item.state == "assigned", Item.acknowledge_due < window.today),
            ),
            "yellow",
        ),
        else_="green",
    )


def light_of(tenant: Tenant, item_id: int) -> str | None:
    """One item's live light (None when closed)."""
    return db.session.scalar(select(light_expression(window_for(tenant))).where(Item.id == item_id))
