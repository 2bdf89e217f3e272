"""Deadlines and traffic lights of a petition: the dates its state runs against, from
the tenant's resolved ``petitions`` settings, and the light of the current one (the rule
in Python and as SQL expressions, so the scans and the pages agree)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from sqlalchemy import case, literal

from core import clock
from core.calendar import Due, Light, add_months, period_end, traffic_light
from core.db import db
from core.plugins.settings import resolved_settings
from core.tenancy.models import Tenant
from plugins.petitions.models import Petition


def settings_of(petition: Petition) -> dict[str, Any]:
    return resolved_settings(db.session.get(Tenant, petition.tenant_id), "petitions")


def set_due(petition: Petition, column: str, due: Due | None) -> None:
    """Store a due date with its estimated mark (``<column>_estimated``)."""
    setattr(petition, column, due.date if due else None)
    setattr(petition, f"{column}_estimated", bool(due and due.estimated))


def accept_due(received_on: date, settings: Mapping[str, Any]) -> Due:
    """受理期限: ``accept_days`` (15) natural days after receipt (Art. 22-23)."""
    return period_end(received_on, settings["accept_days"], "natural_days")


def return_due(received_on: date, settings: Mapping[str, Any]) -> Due:
    """退回期限 of a forwarded item: ``return_working_days`` (5) working days."""
    return period_end(received_on, settings["return_working_days"], "working_days")


def close_due(petition: Petition, settings: Mapping[str, Any], *, extended: bool = True) -> Due:
    """办结期限: ``close_days`` (60) days from acceptance plus any extension (Art. 34);
    a Party member's appeal runs ``appeal_months`` (3) months instead. ``extended=False``
    gives the period as accepted (the acceptance notice names it, whenever printed)."""
    start = petition.accepted_on
    assert start is not None
    extra = petition.extended_days if extended else 0
    if petition.kind == "appeal":
        if not extra:
            return period_end(start, settings["appeal_months"], "months")
        # An extension adds days to the appeal's months: counted from the nominal end.
        days = (add_months(start, settings["appeal_months"]) - start).days
        return period_end(start, days + extra, "natural_days")
    return period_end(start, settings["close_days"] + (extra or 0), "natural_days")


#: Which deadline each state runs against; states not listed have none.
DUE_COLUMN_BY_STATE = {
    "registered": "accept_due",
    "screening": "accept_due",
    "accepted": "close_due",
    "in_handling": "close_due",
    "draft_outcome": "close_due",
    "approved": "close_due",
    "assigned": "report_back_due",
    "review_requested": "review_due",
    "rereview_requested": "rereview_due",
    "case_open": "review_due",
}


OPEN_STATES = tuple(DUE_COLUMN_BY_STATE)


def due_of(petition: Petition) -> date | None:
    """The deadline ``petition``'s current state runs against (the scan's rule, in Python)."""
    column = DUE_COLUMN_BY_STATE.get(petition.state)
    return getattr(petition, column) if column else None


def light_of(petition: Petition, warning_days: int, today: date | None = None) -> Light | None:
    due = due_of(petition)
    return None if due is None else traffic_light(due, today or clock.today(), warning_days)


def due_estimated_of(petition: Petition) -> bool:
    """Whether the deadline of ``petition``'s current state is estimated."""
    column = DUE_COLUMN_BY_STATE.get(petition.state)
    return bool(column and getattr(petition, f"{column}_estimated", False))


def due_estimated_expression(table: Any = None) -> Any:
    """The estimated mark of :func:`due_expression`'s column (false when it has none)."""
    table = Petition.__table__ if table is None else table
    by_column: dict[str, list[str]] = {}
    for state, column in DUE_COLUMN_BY_STATE.items():
        if f"{column}_estimated" in table.c:
            by_column.setdefault(column, []).append(state)
    return case(
        *(
            (table.c.state.in_(states), table.c[f"{column}_estimated"])
            for column, states in by_column.items()
        ),
        else_=literal(False),
    )


def due_expression(table: Any = None) -> Any:
    """``CASE state WHEN … THEN <its deadline column> END`` (NULL for other states)."""
    table = Petition.__table__ if table is None else table
    by_column: dict[str, list[str]] = {}
    for state, column in DUE_COLUMN_BY_STATE.items():
        by_column.setdefault(column, []).append(state)
    return case(
        *((table.c.state.in_(states), table.c[column]) for column, states in by_column.items()),
        else_=literal(None, type_=table.c.accept_due.type),
    )


def light_expression(due: Any, today: date, warning_days: int) -> Any:
    """``traffic_light`` as SQL: red after ``today``, yellow up to ``today + warning_days``."""
    return light_until(due, today, literal(today + timedelta(days=warning_days)))


def light_until(due: Any, today: date, yellow_until: Any) -> Any:
    """:func:`light_expression` with the window's last day as an expression (a column
    of the scans' per-tenant table: each tenant its own window, in one statement)."""
    return case(
        (due.is_(None), literal(None, type_=Petition.__table__.c.light.type)),
        (due < today, "red"),
        (due <= yellow_until, "yellow"),
        else_="green",
    )
