"""Items and what hangs on them, read in the tenant in scope: lookups that answer 404
for another tenant's or a nonsense id, the lists an item page shows, and the tenant's
people and sections to choose from."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flask import abort
from sqlalchemy import select

from core.api.listing import Listing
from core.auth.models import Membership, User
from core.db import db
from core.lookup import get_or_404, get_or_none
from core.orgs.models import OrgUnit
from core.plugins.settings import resolved_settings
from core.tenancy.models import Tenant
from plugins.supervision.models import (
    OPEN_STATES,
    SupervisionAccountability,
    SupervisionCoHandler,
    SupervisionExtension,
    SupervisionItem,
    SupervisionMilestone,
    SupervisionReminder,
    SupervisionReport,
)

PLUGIN = "supervision"


def item_or_404(item_id: int) -> SupervisionItem:
    return get_or_404(SupervisionItem, item_id)


def part_or_404(model: type, part_id: Any, item: SupervisionItem) -> Any:
    """A milestone, report or extension of ``item`` (one of another item is 404 too)."""
    part = get_or_none(model, part_id)
    if part is None or part.item_id != item.id:
        abort(404)
    return part


def settings_of(item: SupervisionItem) -> dict[str, Any]:
    return resolved_settings(db.session.get(Tenant, item.tenant_id), PLUGIN)


def members_by_id(user_ids: Iterable[int | None]) -> dict[int, User]:
    """Users among ``user_ids`` who are active members of the tenant in scope."""
    ids = {i for i in user_ids if i}
    if not ids:
        return {}
    rows = db.session.execute(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(User.id.in_(ids), Membership.is_active, User.is_active)
    ).scalars()
    return {u.id: u for u in rows}


def tenant_people() -> list[User]:
    """Active members of the tenant in scope, by name (for choosing people)."""
    return list(
        db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.is_active, User.is_active)
            .order_by(User.display_name, User.id)
        )
    )


def sections() -> list[OrgUnit]:
    return list(
        db.session.scalars(
            select(OrgUnit).where(OrgUnit.is_active).order_by(OrgUnit.sort_order, OrgUnit.id)
        )
    )


def _of_item(model: type, item: SupervisionItem, *order: Any) -> list[Any]:
    return list(db.session.scalars(select(model).where(model.item_id == item.id).order_by(*order)))


def milestones_of(item: SupervisionItem) -> list[SupervisionMilestone]:
    return _of_item(SupervisionMilestone, item, SupervisionMilestone.seq)


def extensions_of(item: SupervisionItem) -> list[SupervisionExtension]:
    return _of_item(SupervisionExtension, item, SupervisionExtension.id)


def reminders_of(item: SupervisionItem) -> list[SupervisionReminder]:
    return _of_item(SupervisionReminder, item, SupervisionReminder.id.desc())


def accountabilities_of(item: SupervisionItem) -> list[SupervisionAccountability]:
    return _of_item(SupervisionAccountability, item, SupervisionAccountability.id)


def reports_of(item: SupervisionItem) -> list[SupervisionReport]:
    return _of_item(SupervisionReport, item, SupervisionReport.id)


def latest_report(item: SupervisionItem) -> SupervisionReport | None:
    return db.session.scalar(
        select(SupervisionReport)
        .where(SupervisionReport.item_id == item.id)
        .order_by(SupervisionReport.id.desc())
        .limit(1)
    )


def children_of(item: SupervisionItem) -> list[SupervisionItem]:
    return list(
        db.session.scalars(
            select(SupervisionItem)
            .where(SupervisionItem.parent_id == item.id)
            .order_by(SupervisionItem.id)
        )
    )


def open_children(item: SupervisionItem) -> list[SupervisionItem]:
    return [child for child in children_of(item) if child.state in OPEN_STATES]


def co_handler_ids(item: SupervisionItem) -> set[int]:
    return set(
        db.session.scalars(
            select(SupervisionCoHandler.user_id).where(SupervisionCoHandler.item_id == item.id)
        )
    )


def pending_extension_id(item: SupervisionItem) -> int | None:
    return db.session.scalar(
        select(SupervisionExtension.id).where(
            SupervisionExtension.item_id == item.id, SupervisionExtension.state == "pending"
        )
    )


def open_reminders_of(user_id: int | None, limit: int = 200) -> list[SupervisionReminder]:
    """The reminders addressed to ``user_id`` not yet done (我的未办提醒)."""
    return list(
        db.session.scalars(
            select(SupervisionReminder)
            .where(SupervisionReminder.user_id == user_id, SupervisionReminder.done_at.is_(None))
            .order_by(SupervisionReminder.id)
            .limit(limit)
        )
    )


def item_list(filters: Mapping[str, Any]) -> Any:
    """The API's item list: items matching every filter given."""
    statement = select(SupervisionItem)
    for key in ("leader_user_id", "section_id", "person_user_id", "source", "state", "light"):
        if filters.get(key):
            statement = statement.where(getattr(SupervisionItem, key) == filters[key])
    return statement


#: The API's item list, newest first (core.api.listing: the rows are dumped as they are).
ITEMS = Listing(statement=item_list, keys=(SupervisionItem.id,))
