"""Finding petitions: the filtered statement, keyset pages in order of receipt (newest
first, on the tenant-leading ``(tenant_id, received_on, id)`` indexes), every match for
the ledger, and a petition by id."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from flask import abort
from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import selectinload

from core import clock
from core.api.listing import Listing
from core.api.pagination import Page
from core.auth.users import Actor, current_actor
from core.db import db
from core.lookup import get_or_404
from core.orgs.models import OrgUnit
from core.workflow import Transition
from plugins.petitions.models import COLLECTIVE_FROM, LongtermPetitioner, Petition, PetitionConflict
from plugins.petitions.permissions import APPROVE, HANDLE
from plugins.petitions.queries.categories import descendant_ids
from plugins.petitions.reported import is_hidden, viewer_id
from plugins.petitions.schemas.moves import TRANSITION_SCHEMAS
from plugins.petitions.workflow import PETITION_FLOW, UNDECIDED

#: States in which the 60-day closing deadline runs.
HANDLING = ("accepted", "in_handling", "draft_outcome", "approved")
KEYS = (Petition.received_on, Petition.id)


def petition_or_404(petition_id: int) -> Petition:
    petition = get_or_404(Petition, petition_id)
    # An identity-map hit skips the loader criteria of plugins.petitions.reported.
    if is_hidden(petition, viewer_id()):
        abort(404)
    return petition


def active_units() -> list[OrgUnit]:
    """The tenant's active org units (a reported person may be tied to one)."""
    query = select(OrgUnit).where(OrgUnit.is_active).order_by(OrgUnit.sort_order, OrgUnit.id)
    return list(db.session.scalars(query))


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


#: Petitions newest first, on the tenant-leading ``(tenant_id, received_on, id)`` index
#: (the API list, the list page).
PETITIONS = Listing(statement=petition_statement, keys=KEYS)


def petition_page(filters: Mapping[str, Any]) -> Page:
    return PETITIONS.page(filters)


def longterm_statement(filters: Mapping[str, Any]) -> Select:
    """信访老户: the active ones (or all), optionally only those the actor is in charge of."""
    statement = select(LongtermPetitioner)
    if not filters.get("include_inactive"):
        statement = statement.where(LongtermPetitioner.is_active)
    if filters.get("mine"):
        statement = statement.where(LongtermPetitioner.leader_user_id == current_actor().user_id)
    return statement


#: 信访老户, newest flag first.
LONGTERM = Listing(statement=longterm_statement, keys=(LongtermPetitioner.id,))


def iter_petitions(filters: Mapping[str, Any]) -> Iterator[Petition]:
    """Every match, oldest first, petitioners loaded in batches (for the ledger)."""
    statement = (
        petition_statement(filters)
        .options(selectinload(Petition.petitioners), selectinload(Petition.reported_persons))
        .order_by(Petition.received_on, Petition.id)
    )
    yield from db.session.scalars(statement.execution_options(yield_per=500))


def offered_transitions(petition: Petition, actor: Actor) -> list[Transition]:
    """The moves to offer this actor now: the state and the permission allow it, and —
    for a move without input of its own — its guards pass already. A move that takes
    input (a reason, a handler…) is offered on state and permission alone: its guards
    judge the input when it is submitted. An extension is not offered a second time."""
    offered = []
    passing = {t.name for t in PETITION_FLOW.available(petition, actor)}
    for t in PETITION_FLOW.transitions:
        if petition.state not in t.sources:
            continue
        if t.permission is not None and not actor.can(t.permission):
            continue
        if t.name not in TRANSITION_SCHEMAS and t.name not in passing:
            continue
        if t.name in ("extend", "request_extension") and petition.extended_days:
            continue
        if t.name == "request_extension" and petition.extension_requested_days:
            continue
        offered.append(t)
    return offered


def conflicts_of(petition: Petition) -> list[PetitionConflict]:
    return list(
        db.session.scalars(
            select(PetitionConflict)
            .where(PetitionConflict.petition_id == petition.id)
            .order_by(PetitionConflict.declared_at, PetitionConflict.id)
        )
    )


def may_declare_conflict(actor: Actor) -> bool:
    return actor.can(HANDLE) or actor.can(APPROVE)


def longterm_or_404(record_id: int) -> LongtermPetitioner:
    return get_or_404(LongtermPetitioner, record_id)
