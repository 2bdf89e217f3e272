"""Finding members: the filtered query, its keyset pages, and every match for an export."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from core.api.listing import Listing
from core.api.pagination import Page
from core.db import db
from core.orgs.models import VETERAN_BEFORE, Member
from core.orgs.units import descendant_ids


def member_statement(filters: Mapping[str, Any]) -> Select:
    statement = select(Member)
    if not filters.get("include_inactive"):
        statement = statement.where(Member.is_active)
    branch_id = filters.get("branch_id")
    if branch_id is not None:
        if filters.get("subtree"):
            statement = statement.where(Member.branch_id.in_(sorted(descendant_ids(branch_id))))
        else:
            statement = statement.where(Member.branch_id == branch_id)
    if filters.get("status"):
        statement = statement.where(Member.status == filters["status"])
    if filters.get("name"):
        statement = statement.where(Member.name.startswith(filters["name"], autoescape=True))
    for flag in ("is_retired", "is_unemployed", "is_floating"):
        if filters.get(flag) is not None:
            statement = statement.where(getattr(Member, flag).is_(filters[flag]))
    veteran = filters.get("is_veteran")
    if veteran is True:
        statement = statement.where(Member.joined_on < VETERAN_BEFORE)
    elif veteran is False:
        statement = statement.where(
            (Member.joined_on >= VETERAN_BEFORE) | Member.joined_on.is_(None)
        )
    return statement


def _member_order(filters: Mapping[str, Any]) -> tuple[list[Any], bool]:
    """By id (newest first by default) or by name (A→Z by default)."""
    sort = filters.get("sort", "id")
    keys = [Member.id] if sort == "id" else [Member.name, Member.id]
    order = filters.get("order") or ("desc" if sort == "id" else "asc")
    return keys, order == "desc"


#: The members list of the API and the members page (the branch is shown on each row).
MEMBERS = Listing(
    statement=member_statement,
    order=_member_order,
    options=(selectinload(Member.branch),),
)


def member_page(filters: Mapping[str, Any]) -> Page:
    """One keyset page of the members ``filters`` select."""
    return MEMBERS.page(filters)


def iter_members(filters: Mapping[str, Any]) -> Iterator[Member]:
    statement = member_statement(filters).options(selectinload(Member.branch)).order_by(Member.id)
    yield from db.session.scalars(statement.execution_options(yield_per=500))
