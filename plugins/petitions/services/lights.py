"""The deadline scan: every open petition of every tenant gets the deadline its state
runs against (``current_due``) and that deadline's traffic light (``light``).

It is a scheduled platform job (:func:`plugins.petitions.jobs.scan_all`), set-based
across tenants (issue 14): one ``UPDATE … FROM (SELECT … LIMIT n)`` for all tenants that
enable petitions, each with its own warning window (the last yellow day of every tenant
joined as a ``VALUES`` list, :mod:`core.jobs.platform`), in batches that commit as they
go, writing only the rows whose due date or light changed. It runs in the platform
write scope, whose row-level security policy admits writes into those tenants. The light
follows :func:`core.calendar.traffic_light`: red once the day is past, yellow within the
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

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from sqlalchemy import BigInteger, Date, and_, event, literal_column, or_, select, tuple_, update

from core import clock
from core.calendar import traffic_light
from core.jobs.platform import BATCH_ROWS, in_batches, per_tenant
from core.plugins.settings import resolved_settings
from core.tenancy.models import PLATFORM_SLUG, Tenant
from core.tenancy.session import TenantSession
from plugins.petitions.models import Petition
from plugins.petitions.queries.deadlines import (
    due_estimated_expression,
    due_estimated_of,
    due_expression,
    due_of,
    light_until,
)


def windows_table(warning_days: Mapping[int, int], today: date) -> Any:
    """Each tenant's last yellow day (``today`` + its ``warning_days``), to join."""
    rows = [(t, today + timedelta(days=days)) for t, days in sorted(warning_days.items())]
    return per_tenant("w", {"tenant_id": BigInteger(), "yellow_until": Date()}, rows)


def scan_statement(
    warning_days: Mapping[int, int],
    today: date,
    after: tuple | None = None,
    *,
    full: bool = True,
    limit: int = BATCH_ROWS,
) -> Any:
    """One batch of the scan over the tenants of ``warning_days`` (tenant → window):
    the next ``limit`` rows that need a change (after the key ``after``, in key order,
    for the full scan), updated, ``RETURNING`` their key (the benchmark explains it).

    ``full=False`` considers only rows the calendar may have moved since their light was
    set (green due within the window, yellow past due): an index range per tenant, not
    the table.
    """
    p, w = Petition.__table__.alias("p"), windows_table(warning_days, today)
    due = due_expression(p)
    where = [
        or_(
            p.c.current_due.is_distinct_from(due),
            p.c.light.is_distinct_from(light_until(due, today, w.c.yellow_until)),
        )
    ]
    if not full:
        where += _moved_by_calendar(p, w, warning_days, today)
    if after is not None:
        where.append(tuple_(p.c.tenant_id, p.c.id) > tuple_(*after))
    pick = select(p.c.tenant_id, p.c.id, w.c.yellow_until).join(w, w.c.tenant_id == p.c.tenant_id)
    pick = pick.where(*where).limit(limit)
    if full:
        pick = pick.order_by(p.c.tenant_id, p.c.id)
    batch, table = pick.subquery("s"), Petition.__table__
    due = due_expression(table)
    return (
        update(table)
        .where(table.c.tenant_id == batch.c.tenant_id, table.c.id == batch.c.id)
        .values(
            current_due=due,
            current_due_estimated=due_estimated_expression(table),
            light=light_until(due, today, batch.c.yellow_until),
        )
        .returning(table.c.tenant_id, table.c.id)
    )


def _moved_by_calendar(p: Any, w: Any, warning_days: Mapping[int, int], today: date) -> list:
    """The hourly scan's conditions: rows the calendar may have moved since their light
    was set (green due within the window, yellow past due)."""
    # The lights inline, not bound: a prepared statement's generic plan would not
    # know they are rare and would read the whole tenant instead of the index range.
    green, yellow = literal_column("'green'"), literal_column("'yellow'")
    # The tenants and the widest window as constants too, so each arm is one range of
    # the index (tenant_id, light, current_due) per tenant; the join then applies
    # each tenant's own window to the few rows found.
    widest = today + timedelta(days=max(warning_days.values()))
    return [
        p.c.tenant_id.in_(sorted(warning_days)),
        or_(
            and_(
                p.c.light == green,
                p.c.current_due <= widest,
                p.c.current_due <= w.c.yellow_until,
            ),
            and_(p.c.light == yellow, p.c.current_due < today),
        ),
    ]


def scan_tenants(
    warning_days: Mapping[int, int],
    today: date | None = None,
    *,
    full: bool = True,
    batch_rows: int = BATCH_ROWS,
) -> int:
    """Refresh ``current_due`` and ``light`` of the petitions of the tenants of
    ``warning_days`` (tenant → its window; all of them in scope, or opened by a platform
    write scope), in batches that commit; returns the number of rows that changed."""
    if not warning_days:
        return 0
    today = today or clock.today()
    rows = in_batches(
        lambda after: scan_statement(warning_days, today, after, full=full, limit=batch_rows),
        keyset=full,
        limit=batch_rows,
    )
    return len(rows)


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
