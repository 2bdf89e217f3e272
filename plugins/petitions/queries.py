"""Finding petitions: the filtered statement, keyset pages in order of receipt (newest
first, on the tenant-leading ``(tenant_id, received_on, id)`` indexes), every match for
the ledger, and a petition by id."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import selectinload

from core import clock
from core.api.pagination import BadCursor, Page, decode_cursor, keyset_page
from core.auth.users import current_actor
from core.db import MAX_DB_ID, db
from core.lookup import get_or_404
from plugins.petitions.categories import descendant_ids
from plugins.petitions.models import COLLECTIVE_FROM, Petition
from plugins.petitions.workflow import UNDECIDED

#: States in which the 60-day closing deadline runs.
HANDLING = ("accepted", "in_handling", "draft_outcome", "approved")
KEYS = (Petition.received_on, Petition.id)


def petition_or_404(petition_id: int) -> Petition:
    return get_or_404(Petition, petition_id)


def overdue_clause(today=None) -> Any:
    today = today or clock.today()
    return or_(
        and_(Petition.state.in_(UNDECIDED), Petition.accept_due < today),
        and_(Petition.state.in_(HANDLING), Petition.close_due < today),
    )


def petition_statement(filters: Mapping[str, Any]) -> Select:
    statement = select(Petition)
    for name in ("state", "channel", "kind", "urgency", "is_12380"):
        if filters.get(name) is not None:
            statement = statement.where(getattr(Petition, name) == filters[name])
    if filters.get("category_id") is not None:
        statement = statement.where(
            Petition.category_id.in_(sorted(descendant_ids(filters["category_id"])))
        )
    if filters.get("received_from") is not None:
        statement = statement.where(Petition.received_on >= filters["received_from"])
    if filters.get("received_to") is not None:
        statement = statement.where(Petition.received_on <= filters["received_to"])
    if filters.get("overdue") is True:
        statement = statement.where(overdue_clause())
    elif filters.get("overdue") is False:
        statement = statement.where(~overdue_clause())
    if filters.get("is_collective") is True:
        statement = statement.where(Petition.people_count >= COLLECTIVE_FROM)
    elif filters.get("is_collective") is False:
        statement = statement.where(Petition.people_count < COLLECTIVE_FROM)
    if filters.get("mine"):
        statement = statement.where(Petition.handler_user_id == current_actor().user_id)
    text = filters.get("q")
    if text:
        # Serial and summary only: searching petitioners' names would let anyone probe
        # a reporter's identity one guess at a time.
        statement = statement.where(
            or_(
                Petition.serial.contains(text, autoescape=True),
                Petition.summary.contains(text, autoescape=True),
            )
        )
    return statement


def petition_page(filters: Mapping[str, Any]) -> Page:
    cursor = filters.get("cursor")
    if cursor:
        for value in decode_cursor(cursor, KEYS):
            if value is None or (isinstance(value, int) and not 0 <= value <= MAX_DB_ID):
                raise BadCursor(cursor)
    return keyset_page(
        petition_statement(filters),
        KEYS,
        cursor=cursor,
        limit=filters.get("limit", 50),
        descending=True,
    )


def iter_petitions(filters: Mapping[str, Any]) -> Iterator[Petition]:
    """Every match, oldest first, petitioners loaded in batches (for the ledger)."""
    statement = (
        petition_statement(filters)
        .options(selectinload(Petition.petitioners), selectinload(Petition.reported_persons))
        .order_by(Petition.received_on, Petition.id)
    )
    yield from db.session.scalars(statement.execution_options(yield_per=500))
