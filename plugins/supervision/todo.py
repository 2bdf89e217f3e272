"""What the supervision plugin puts in a user's to-do list and on the dashboard.

The to-do list reads the reminders table: every reminder not yet done, addressed to the
user, with its item's deadline and live traffic light.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from core.db import db
from core.plugins.types import TodoItem
from core.tenancy.models import Tenant
from plugins.supervision.models import (
    OPEN_STATES,
    REMINDER_KINDS,
    SupervisionItem,
    SupervisionReminder,
)
from plugins.supervision.queries.lights import light_expression, window_for
from plugins.supervision.queries.tables import closures_by_month

#: A to-do list shows the most pressing reminders, not a years-long backlog.
TODO_LIMIT = 50


def reminder_due(reminder: SupervisionReminder, item: SupervisionItem) -> tuple[Any, bool]:
    """The date a reminder is about and whether it is estimated: an acknowledgement's or a
    progress report's own due date, a milestone's day, else the item's deadline."""
    if reminder.kind == "acknowledge" and item.acknowledge_due:
        return item.acknowledge_due, item.acknowledge_due_estimated
    if reminder.kind == "report" and (reminder.due or item.report_due):
        due = reminder.due or item.report_due
        return due, item.report_due_estimated and due == item.report_due
    if reminder.kind.startswith("milestone") and reminder.due:
        return reminder.due, False
    return item.deadline, item.deadline_estimated


def todo_items(tenant: Tenant, actor: Any) -> list[TodoItem]:
    if actor.user_id is None:
        return []
    colour = light_expression(window_for(tenant))
    rows = db.session.execute(
        select(SupervisionReminder, SupervisionItem, colour)
        .join(
            SupervisionItem,
            (SupervisionItem.tenant_id == SupervisionReminder.tenant_id)
            & (SupervisionItem.id == SupervisionReminder.item_id),
        )
        .where(
            SupervisionReminder.user_id == actor.user_id,
            SupervisionReminder.done_at.is_(None),
        )
        .order_by(SupervisionItem.deadline, SupervisionReminder.id)
        .limit(TODO_LIMIT)
    ).all()
    items = []
    for reminder, item, light in rows:
        due, estimated = reminder_due(reminder, item)
        kind = _(REMINDER_KINDS.get(reminder.kind, reminder.kind))
        text = f"【{kind}】{item.serial} {item.title}"
        if reminder.message:
            text += f"：{reminder.message}"
        items.append(
            TodoItem(
                title=text,
                url=f"/t/{tenant.slug}/supervision/items/{item.id}",
                plugin="supervision",
                due=due,
                light=light or "green",
                kind=reminder.kind,
                estimated=estimated,
            )
        )
    return items


def widget_context(tenant: Tenant) -> dict[str, Any]:
    """Open items by light, and closures per month for the chart."""
    colour = light_expression(window_for(tenant)).label("light")
    # Grouped outside a subquery: PostgreSQL would not match the CASE's bound parameters
    # in SELECT and GROUP BY.
    lights = select(colour).where(SupervisionItem.state.in_(OPEN_STATES)).subquery()
    counts = dict(
        db.session.execute(select(lights.c.light, func.count()).group_by(lights.c.light)).all()
    )
    closures = closures_by_month(12)
    return {
        "green": counts.get("green", 0),
        "yellow": counts.get("yellow", 0),
        "red": counts.get("red", 0),
        "months": [m for m, _n in closures],
        "closures": [n for _m, n in closures],
        "board_url": f"/t/{tenant.slug}/supervision/",
    }
