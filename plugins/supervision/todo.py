"""What the supervision plugin puts in a user's to-do list and on the dashboard.

An item waits on a user while a reminder addressed to them is not done (签收, 催办,
逾期, 延期待审批 …), and while its state asks for them: a 督查专员 verifies a completion
request and rates a closed item. Each item is listed once per user, its reasons joined,
with its deadline and live traffic light.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from core.db import db
from core.i18n import N_
from core.plugins.types import TodoItem
from core.tenancy.models import Tenant
from plugins.supervision.models import (
    OPEN_STATES,
    REMINDER_KINDS,
    SupervisionItem,
    SupervisionReminder,
)
from plugins.supervision.permissions import VERIFY
from plugins.supervision.queries.lights import light_expression, window_for
from plugins.supervision.queries.tables import closures_by_month

#: A to-do list shows the most pressing items, not a years-long backlog.
TODO_LIMIT = 50
#: What a state asks of a holder of the verify permission.
VERIFIER_WAITS = {"completion_requested": N_("待核验办结"), "closed": N_("待评价")}


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
    reasons: dict[int, list[str]] = {}
    found: dict[int, tuple[SupervisionItem, str | None]] = {}
    dues: dict[int, tuple[Any, bool]] = {}
    for reminder, item, light in db.session.execute(_reminders(actor.user_id, colour)).all():
        reasons.setdefault(item.id, []).append(_reminder_text(reminder))
        found[item.id] = (item, light)
        due = reminder_due(reminder, item)
        if item.id not in dues or due[0] < dues[item.id][0]:
            dues[item.id] = due  # the most pressing of the item's reminders
    if actor.can(VERIFY):
        for item, light in db.session.execute(_verifier_waits(colour)).all():
            reasons.setdefault(item.id, []).append(_(VERIFIER_WAITS[item.state]))
            found[item.id] = (item, light)
            dues.setdefault(item.id, (item.deadline, item.deadline_estimated))
    entries = [
        _entry(tenant, item, light, reasons[i], dues[i]) for i, (item, light) in found.items()
    ]
    return sorted(entries, key=lambda e: (e.due is None, e.due))[:TODO_LIMIT]


def _reminders(user_id: int, colour: Any) -> Any:
    return (
        select(SupervisionReminder, SupervisionItem, colour)
        .join(
            SupervisionItem,
            (SupervisionItem.tenant_id == SupervisionReminder.tenant_id)
            & (SupervisionItem.id == SupervisionReminder.item_id),
        )
        .where(SupervisionReminder.user_id == user_id, SupervisionReminder.done_at.is_(None))
        .order_by(SupervisionItem.deadline, SupervisionReminder.id)
        .limit(TODO_LIMIT * 4)
    )


def _verifier_waits(colour: Any) -> Any:
    return (
        select(SupervisionItem, colour)
        .where(SupervisionItem.state.in_(tuple(VERIFIER_WAITS)))
        .order_by(SupervisionItem.deadline, SupervisionItem.id)
        .limit(TODO_LIMIT)
    )


def _reminder_text(reminder: SupervisionReminder) -> str:
    kind = _(REMINDER_KINDS.get(reminder.kind, reminder.kind))
    return f"{kind}：{reminder.message}" if reminder.message else kind


def _entry(
    tenant: Tenant, item: SupervisionItem, light: str | None, why: list[str], due: Any
) -> TodoItem:
    unique = list(dict.fromkeys(why))  # the same reason twice reads once
    when, estimated = due if item.is_open else (None, False)
    return TodoItem(
        title=f"【{'、'.join(unique)}】{item.serial} {item.title}",
        url=f"/t/{tenant.slug}/supervision/items/{item.id}",
        plugin="supervision",
        due=when,
        light=light or "green",
        kind="item",
        estimated=estimated,
    )


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
