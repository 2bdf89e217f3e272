"""The hourly scan: traffic lights stored and automatic reminders sent, in set-based SQL.

The scan (:func:`scan`) runs for each tenant that enables the plugin: one UPDATE for the
lights (:mod:`plugins.supervision.queries.lights` says the colour), and one ``INSERT …
SELECT … UNION ALL … ON CONFLICT DO NOTHING`` for every kind of reminder at once. Each
reminder's ``occasion`` names what it is about (``deadline-2026-03-31-before``), and
``(tenant_id, item_id, occasion)`` is unique, so running the scan again — or two workers
at once — never sends the same reminder twice.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import String, and_, cast, literal, select, union_all, update

from core import clock
from core.db import db, upsert_insert
from core.tenancy.models import Tenant
from core.tenancy.scope import current_tenant_id
from core.tenancy.session import TENANT_CHECKED
from plugins.supervision.models import (
    OPEN_STATES,
    SupervisionItem,
    SupervisionMilestone,
    SupervisionReminder,
)
from plugins.supervision.queries.lights import Window, light_expression, window_for

Item = SupervisionItem
#: The kinds of reminder the scan sends (counted in its result).
SCANNED_KINDS = ("acknowledge", "milestone", "milestone_overdue", "deadline", "overdue", "report")
#: States in which the responsible person is still working (reminders make sense).
WORKING_STATES = ("assigned", "acknowledged", "in_progress")


def _text(*parts: Any) -> Any:
    """String concatenation of literals and columns that works on both databases."""
    expression = None
    for part in parts:
        piece = literal(part) if isinstance(part, str) else cast(part, String)
        expression = piece if expression is None else expression.concat(piece)
    return expression


def _insert(selects: list[Any]) -> list[str]:
    """One INSERT … SELECT … UNION ALL … ON CONFLICT DO NOTHING for every kind of
    reminder (one round trip); returns the kind of each reminder actually inserted."""
    columns = ["tenant_id", "item_id", "user_id", "occasion", "kind", "due", "created_at"]
    statement = (
        upsert_insert(SupervisionReminder)
        .from_select(columns, union_all(*selects))
        .on_conflict_do_nothing(index_elements=["tenant_id", "item_id", "occasion"])
        # Counted by RETURNING: psycopg reports no rowcount for INSERT … SELECT here, and
        # RETURNING lists only the rows actually inserted (not the conflicts).
        .returning(SupervisionReminder.kind)
    )
    result = db.session.execute(statement.execution_options(**{TENANT_CHECKED: True}))
    return list(result.scalars())


def _item_reminders(
    tenant_id: int,
    now: datetime,
    recipient: Any,
    occasion: Any,
    kind: str,
    *where: Any,
    due: Any = Item.deadline,
):
    """``due`` is the date the reminder is about: the item's deadline, or for an
    acknowledgement or a progress report that one's own due date (what the to-do shows)."""
    return select(
        Item.tenant_id,
        Item.id,
        recipient,
        occasion,
        literal(kind),
        due,
        literal(now),
    ).where(Item.tenant_id == tenant_id, recipient.is_not(None), *where)


def _milestone_reminders(tenant_id: int, now: datetime, kind: str, suffix: str, *where):
    m = SupervisionMilestone
    return (
        select(
            Item.tenant_id,
            Item.id,
            Item.person_user_id,
            _text("milestone-", m.id, suffix),
            literal(kind),
            m.due,
            literal(now),
        )
        .join(m, and_(m.tenant_id == Item.tenant_id, m.item_id == Item.id))
        .where(
            Item.tenant_id == tenant_id,
            Item.person_user_id.is_not(None),
            Item.state.in_(WORKING_STATES),
            m.done_on.is_(None),
            *where,
        )
    )


def _deadline_reminders(tenant_id: int, now: datetime, window: Window) -> dict[str, Any]:
    today, until = window.today, window.remind_until
    is_open, overdue = Item.state.in_(OPEN_STATES), Item.deadline < today
    return {
        "deadline": _item_reminders(
            tenant_id,
            now,
            Item.person_user_id,
            _text("deadline-", Item.deadline, "-before"),
            "deadline",
            Item.state.in_(WORKING_STATES),
            Item.deadline >= today,
            Item.deadline <= until,
        ),
        "overdue": _item_reminders(
            tenant_id,
            now,
            Item.person_user_id,
            _text("deadline-", Item.deadline, "-overdue"),
            "overdue",
            is_open,
            overdue,
        ),
        "overdue_leader": _item_reminders(
            tenant_id,
            now,
            Item.leader_user_id,
            _text("deadline-", Item.deadline, "-overdue-leader"),
            "overdue",
            is_open,
            overdue,
        ),
    }


def reminder_selects(tenant_id: int, window: Window) -> dict[str, Any]:
    """The SELECT of each kind of reminder due in ``tenant_id`` (for the scan and the
    benchmark's plans)."""
    now, today, m = clock.now(), window.today, SupervisionMilestone
    person = Item.person_user_id
    return {
        "acknowledge": _item_reminders(
            tenant_id,
            now,
            person,
            _text("acknowledge-", Item.acknowledge_due),
            "acknowledge",
            Item.state == "assigned",
            Item.acknowledge_due < today,
            due=Item.acknowledge_due,
        ),
        "milestone": _milestone_reminders(
            tenant_id, now, "milestone", "-before", m.due >= today, m.due <= window.remind_until
        ),
        "milestone_overdue": _milestone_reminders(
            tenant_id, now, "milestone_overdue", "-overdue", m.due < today
        ),
        **_deadline_reminders(tenant_id, now, window),
        "report": _item_reminders(
            tenant_id,
            now,
            person,
            _text("report-", Item.report_due),
            "report",
            Item.state.in_(("acknowledged", "in_progress")),
            Item.report_due < today,
            due=Item.report_due,
        ),
    }


def light_update(tenant_id: int, window: Window) -> Any:
    colour = light_expression(window)
    return (
        update(Item)
        .where(
            Item.tenant_id == tenant_id,
            Item.state.in_(OPEN_STATES),
            Item.light.is_distinct_from(colour),
        )
        .values(light=colour)
        .execution_options(**{TENANT_CHECKED: True, "synchronize_session": False})
    )


def scan(today: date | None = None) -> dict[str, int]:
    """Store every open item's light and send the reminders that are due, in the tenant
    in scope. Returns how many lights changed and how many reminders of each kind went
    out (0 for all on a second run the same day)."""
    tenant_id = current_tenant_id()
    tenant = db.session.get(Tenant, tenant_id)
    window = window_for(tenant, today)
    counts = {"lights": max(db.session.execute(light_update(tenant_id, window)).rowcount or 0, 0)}
    counts.update(dict.fromkeys(SCANNED_KINDS, 0))
    for kind in _insert(list(reminder_selects(tenant_id, window).values())):
        counts[kind] += 1
    return counts


def run_scan() -> dict[str, int]:
    """The periodic job's entry point (core.jobs runs it once per enabled tenant)."""
    return scan()
