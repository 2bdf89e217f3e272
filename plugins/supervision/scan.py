"""Traffic lights and automatic reminders, computed in set-based SQL.

One expression (:func:`light_expression`) says what colour an open item is today: red
once its deadline or a milestone has passed, yellow when one of them falls inside the
tenant's warning window, when the progress report is late or the item is not yet
acknowledged in time, else green. The board evaluates it live; the scan stores it.

The scan (:func:`scan`) runs for each tenant that enables the plugin: one UPDATE for the
lights, and one ``INSERT … SELECT … UNION ALL … ON CONFLICT DO NOTHING`` for every kind of
reminder at once. Each reminder's ``occasion`` names what it is about (``deadline-2026-03-31-before``), and
``(tenant_id, item_id, occasion)`` is unique, so running the scan again — or two workers
at once — never sends the same reminder twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import String, and_, case, cast, exists, literal, or_, select, union_all, update
from sqlalchemy.orm import aliased

from core import clock
from core.db import db, upsert_insert
from core.deadlines import warning_days
from core.plugins.settings import resolved_settings
from core.tenancy.models import Tenant
from core.tenancy.scope import current_tenant_id
from core.tenancy.session import TENANT_CHECKED
from plugins.supervision.models import (
    OPEN_STATES,
    SupervisionItem,
    SupervisionMilestone,
    SupervisionReminder,
)

Item = SupervisionItem
#: The kinds of reminder the scan sends (counted in its result).
SCANNED_KINDS = ("acknowledge", "milestone", "milestone_overdue", "deadline", "overdue", "report")
#: States in which the responsible person is still working (reminders make sense).
WORKING_STATES = ("assigned", "acknowledged", "in_progress")


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


def _item_reminders(tenant_id: int, now: Any, recipient: Any, occasion: Any, kind: str, *where):
    return select(
        Item.tenant_id,
        Item.id,
        recipient,
        occasion,
        literal(kind),
        Item.deadline,
        literal(now),
    ).where(Item.tenant_id == tenant_id, recipient.is_not(None), *where)


def reminder_selects(tenant_id: int, window: Window) -> dict[str, Any]:
    """The SELECT of each kind of reminder due in ``tenant_id`` (for the scan and the
    benchmark's plans)."""
    now = clock.now()
    today, until = window.today, window.remind_until
    working = Item.state.in_(WORKING_STATES)
    m = SupervisionMilestone

    def milestone(kind: str, suffix: str, *where):
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
                working,
                m.done_on.is_(None),
                *where,
            )
        )

    return {
        "acknowledge": _item_reminders(
            tenant_id,
            now,
            Item.person_user_id,
            _text("acknowledge-", Item.acknowledge_due),
            "acknowledge",
            Item.state == "assigned",
            Item.acknowledge_due < today,
        ),
        "milestone": milestone("milestone", "-before", m.due >= today, m.due <= until),
        "milestone_overdue": milestone("milestone_overdue", "-overdue", m.due < today),
        "deadline": _item_reminders(
            tenant_id,
            now,
            Item.person_user_id,
            _text("deadline-", Item.deadline, "-before"),
            "deadline",
            working,
            Item.deadline >= today,
            Item.deadline <= until,
        ),
        "overdue": _item_reminders(
            tenant_id,
            now,
            Item.person_user_id,
            _text("deadline-", Item.deadline, "-overdue"),
            "overdue",
            Item.state.in_(OPEN_STATES),
            Item.deadline < today,
        ),
        "overdue_leader": _item_reminders(
            tenant_id,
            now,
            Item.leader_user_id,
            _text("deadline-", Item.deadline, "-overdue-leader"),
            "overdue",
            Item.state.in_(OPEN_STATES),
            Item.deadline < today,
        ),
        "report": _item_reminders(
            tenant_id,
            now,
            Item.person_user_id,
            _text("report-", Item.report_due),
            "report",
            Item.state.in_(("acknowledged", "in_progress")),
            Item.report_due < today,
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
