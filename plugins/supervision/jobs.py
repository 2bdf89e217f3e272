"""The hourly scan: traffic lights stored and automatic reminders sent, in set-based SQL.

The scan is a platform job (:func:`run_scan`) over every tenant that enables the plugin
at once (issue 14), in the platform write scope: each tenant's windows (the last yellow
day, the last day to remind ahead) are joined as one per-tenant table
(:mod:`core.jobs.platform`), so the scan is the same few statements for any number of
tenants — an UPDATE for the lights (:mod:`plugins.supervision.queries.lights` says the
colour), in keyset batches that commit, and one ``INSERT … SELECT … UNION ALL … ON
CONFLICT DO NOTHING`` for every kind of reminder at once (new rows only: it locks none
of the existing ones). :func:`scan` runs the same statements for the tenant in scope.
Each reminder's ``occasion`` names what it is about (``deadline-2026-03-31-before``),
and ``(tenant_id, item_id, occasion)`` is unique, so running the scan again — or two
workers at once — never sends the same reminder twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Date,
    String,
    and_,
    cast,
    literal,
    select,
    tuple_,
    union_all,
    update,
)

from core import clock
from core.db import db, upsert_insert
from core.jobs.platform import BATCH_ROWS, in_batches, per_tenant, plugin_tenants
from core.tenancy.models import Tenant
from core.tenancy.scope import current_tenant_id, platform_write_scope
from core.tenancy.session import TENANT_CHECKED
from plugins.supervision.models import (
    OPEN_STATES,
    SupervisionItem,
    SupervisionMilestone,
    SupervisionReminder,
)
from plugins.supervision.queries.lights import (
    Window,
    light_expression,
    window_for,
    windows_for,
)

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
    w: Any,
    now: datetime,
    recipient: Any,
    occasion: Any,
    kind: str,
    *where: Any,
    due: Any = Item.deadline,
):
    """``due`` is the date the reminder is about: the item's deadline, or for an
    acknowledgement or a progress report that one's own due date (what the to-do shows)."""
    return (
        select(
            Item.tenant_id,
            Item.id,
            recipient,
            occasion,
            literal(kind),
            due,
            literal(now),
        )
        .join(w, w.c.tenant_id == Item.tenant_id)
        .where(recipient.is_not(None), *where)
    )


def _milestone_reminders(w: Any, now: datetime, kind: str, suffix: str, *where):
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
        .join(w, w.c.tenant_id == Item.tenant_id)
        .where(
            Item.person_user_id.is_not(None),
            Item.state.in_(WORKING_STATES),
            m.done_on.is_(None),
            *where,
        )
    )


def _deadline_reminders(w: Any, now: datetime, today: date) -> dict[str, Any]:
    until = w.c.remind_until
    is_open, overdue = Item.state.in_(OPEN_STATES), Item.deadline < today
    return {
        "deadline": _item_reminders(
            w,
            now,
            Item.person_user_id,
            _text("deadline-", Item.deadline, "-before"),
            "deadline",
            Item.state.in_(WORKING_STATES),
            Item.deadline >= today,
            Item.deadline <= until,
        ),
        "overdue": _item_reminders(
            w,
            now,
            Item.person_user_id,
            _text("deadline-", Item.deadline, "-overdue"),
            "overdue",
            is_open,
            overdue,
        ),
        "overdue_leader": _item_reminders(
            w,
            now,
            Item.leader_user_id,
            _text("deadline-", Item.deadline, "-overdue-leader"),
            "overdue",
            is_open,
            overdue,
        ),
    }


def windows_table(windows: Mapping[int, Window]) -> Any:
    """Each tenant's window (tenant → :class:`Window`) as a table to join: ``w``."""
    rows = [(t, w.warn_until, w.remind_until) for t, w in sorted(windows.items())]
    columns = {"tenant_id": BigInteger(), "warn_until": Date(), "remind_until": Date()}
    return per_tenant("w", columns, rows)


def reminder_selects(w: Any, today: date) -> dict[str, Any]:
    """The SELECT of each kind of reminder due in the tenants of ``w``
    (:func:`windows_table`), for the scan and the benchmark's plans."""
    now, m = clock.now(), SupervisionMilestone
    person = Item.person_user_id
    return {
        "acknowledge": _item_reminders(
            w,
            now,
            person,
            _text("acknowledge-", Item.acknowledge_due),
            "acknowledge",
            Item.state == "assigned",
            Item.acknowledge_due < today,
            due=Item.acknowledge_due,
        ),
        "milestone": _milestone_reminders(
            w, now, "milestone", "-before", m.due >= today, m.due <= w.c.remind_until
        ),
        "milestone_overdue": _milestone_reminders(
            w, now, "milestone_overdue", "-overdue", m.due < today
        ),
        **_deadline_reminders(w, now, today),
        "report": _item_reminders(
            w,
            now,
            person,
            _text("report-", Item.report_due),
            "report",
            Item.state.in_(("acknowledged", "in_progress")),
            Item.report_due < today,
            due=Item.report_due,
        ),
    }


def light_update(w: Any, today: date, after: tuple | None = None, limit: int = BATCH_ROWS) -> Any:
    """One batch of the lights: the next ``limit`` open items (in key order after
    ``after``) whose stored light differs from their colour, updated, ``RETURNING`` keys."""
    colour = light_expression(Window(today, w.c.warn_until, w.c.remind_until))
    pick = (
        select(Item.tenant_id, Item.id, w.c.warn_until)
        .join(w, w.c.tenant_id == Item.tenant_id)
        .where(Item.state.in_(OPEN_STATES), Item.light.is_distinct_from(colour))
    )
    if after is not None:
        pick = pick.where(tuple_(Item.tenant_id, Item.id) > tuple_(*after))
    batch = pick.order_by(Item.tenant_id, Item.id).limit(limit).subquery("s")
    table = Item.__table__
    return (
        update(table)
        .where(table.c.tenant_id == batch.c.tenant_id, table.c.id == batch.c.id)
        .values(light=light_expression(Window(today, batch.c.warn_until, None)))
        .returning(table.c.tenant_id, table.c.id)
    )


def scan_tenants(
    windows: Mapping[int, Window], today: date | None = None, *, batch_rows: int = BATCH_ROWS
) -> dict[str, int]:
    """Store every open item's light and send the reminders that are due, in the tenants
    of ``windows`` (in scope, or opened by a platform write scope). Returns how many
    lights changed and how many reminders of each kind went out (0 for all on a second
    run the same day)."""
    counts = dict.fromkeys(("lights", *SCANNED_KINDS), 0)
    if not windows:
        return counts
    today = today or clock.today()
    w = windows_table(windows)
    lights = in_batches(
        lambda after: light_update(w, today, after, batch_rows), keyset=True, limit=batch_rows
    )
    counts["lights"] = len(lights)
    for kind in _insert(list(reminder_selects(w, today).values())):
        counts[kind] += 1
    return counts


def scan(today: date | None = None) -> dict[str, int]:
    """:func:`scan_tenants` for the tenant in scope."""
    tenant_id = current_tenant_id()
    return scan_tenants({tenant_id: window_for(db.session.get(Tenant, tenant_id), today)}, today)


def run_scan(today: date | None = None) -> dict[str, int]:
    """The hourly platform job: every tenant that enables supervision, at once."""
    tenants = [tenant.id for tenant in plugin_tenants("supervision")]
    if not tenants:
        return {"tenants": 0, **dict.fromkeys(("lights", *SCANNED_KINDS), 0)}
    windows = windows_for(tenants, today)
    with platform_write_scope("supervision: scan", tenants, action="supervision.scan"):
        counts = scan_tenants(windows, today)
    return {"tenants": len(tenants), **counts}
