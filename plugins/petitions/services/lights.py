"""The deadline scan: every open petition of every tenant gets the deadline its state
runs against (``current_due``) and that deadline's traffic light (``light``).

It is a scheduled platform job (:func:`plugins.petitions.jobs.scan_all`), set-based: one ``UPDATE`` per tenant
over all its petitions, writing only the rows whose due date or light changed. Per
tenant rather than one statement for the platform because PostgreSQL's row-level
security lets a transaction write only into the tenant in scope (the policy's
``WITH CHECK``), and because each tenant has its own warning window. The light follows
:func:`core.calendar.traffic_light`: red once the day is past, yellow within the
tenant's ``warning_days`` (petitions settings) natural days, else green.

To-do lists and the dashboard widget (:mod:`plugins.petitions.todo`) read the stored
columns through the index ``(tenant_id, light, current_due)``.

Keeping it cheap at a million petitions: a petition whose state or deadline changes gets
its light at once, when it is flushed (:func:`_refresh_changed_petitions`), so the only
changes left to a scan are those the calendar makes — green turning yellow, yellow
turning red. The hourly job (:func:`plugins.petitions.jobs.scan_thresholds`) looks for exactly those through
the index; the daily job (:func:`plugins.petitions.jobs.scan_all`) compares every row, catching anything else
(rows written around the ORM, a changed warning window).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, event, literal_column, or_, select, update

from core import clock
from core.calendar import traffic_light
from core.db import db
from core.plugins.settings import resolved_settings
from core.tenancy.models import PLATFORM_SLUG, Tenant
from core.tenancy.session import TENANT_CHECKED, TenantSession
from plugins.petitions.models import Petition
from plugins.petitions.queries.deadlines import (
    due_estimated_expression,
    due_estimated_of,
    due_expression,
    due_of,
    light_expression,
)


def scan_statement(tenant_id: int, warning_days: int, today: date, *, full: bool = True) -> Any:
    """The UPDATE of :func:`scan_tenant` (the benchmark explains it).

    ``full=False`` considers only rows the calendar may have moved since their light was
    set (green due within the window, yellow past due): an index range, not the table.
    """
    table = Petition.__table__
    due = due_expression(table)
    light = light_expression(due, today, warning_days)
    where = [
        table.c.tenant_id == tenant_id,
        or_(table.c.current_due.is_distinct_from(due), table.c.light.is_distinct_from(light)),
    ]
    if not full:
        yellow_from = today + timedelta(days=warning_days)
        # The lights inline, not bound: a prepared statement's generic plan would not
        # know they are rare and would read the whole tenant instead of the index range.
        green, yellow = literal_column("'green'"), literal_column("'yellow'")
        where.append(
            or_(
                and_(table.c.light == green, table.c.current_due <= yellow_from),
                and_(table.c.light == yellow, table.c.current_due < today),
            )
        )
    return (
        update(table)
        .where(*where)
        .values(current_due=due, current_due_estimated=due_estimated_expression(table), light=light)
    )


def scan_tenant(
    tenant_id: int, warning_days: int, today: date | None = None, *, full: bool = True
) -> int:
    """Refresh ``current_due`` and ``light`` of the petitions of ``tenant_id`` (which
    must be in scope) in one statement; returns the number of rows that changed."""
    statement = scan_statement(tenant_id, warning_days, today or clock.today(), full=full)
    return db.session.execute(statement.execution_options(**{TENANT_CHECKED: True})).rowcount


@event.listens_for(TenantSession, "before_flush")
def _refresh_changed_petitions(session: TenantSession, _context: Any, _instances: Any) -> None:
    """A petition registered or moved gets its deadline and light now, not at the next
    scan, so to-do lists follow state changes at once."""
    changed = [
        obj for obj in (*session.new, *session.dirty) if isinstance(obj, Petition) and obj.state
    ]
    if not changed:
        return
    windows: dict[int, int | None] = {}
    today = clock.today()
    with session.no_autoflush:
        for petition in changed:
            if petition.tenant_id not in windows:
                windows[petition.tenant_id] = _window(session, petition.tenant_id)
            window = windows[petition.tenant_id]
            if window is None:
                continue  # settings cannot be resolved mid-flush: the scan will do it
            due = due_of(petition)
            light = None if due is None else traffic_light(due, today, window)
            if (petition.current_due, petition.light) != (due, light):
                petition.current_due, petition.light = due, light
            estimated = due_estimated_of(petition)
            if petition.current_due_estimated != estimated:
                petition.current_due_estimated = estimated


def _window(session: TenantSession, tenant_id: int | None) -> int | None:
    # Resolving settings may create the platform's own tenant row, which cannot happen
    # inside a flush; registration resolves them first, so the row is normally there.
    if (
        tenant_id is None
        or session.scalar(select(Tenant.id).where(Tenant.slug == PLATFORM_SLUG)) is None
    ):
        return None
    tenant = session.get(Tenant, tenant_id)
    return None if tenant is None else resolved_settings(tenant, "petitions")["warning_days"]
