"""Reading 信息要点: a level's own priorities, and those its ancestors offer it.

A tenant reads its ancestors' priorities through the core's one audited cross-tenant
read, naming exactly the ancestor ids (:func:`ancestors_reading`): a sibling's or a
cousin's priorities are never in scope, so they can be neither shown nor tagged.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager, nullcontext
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from core.db import db
from core.lookup import get_or_404
from core.tenancy.models import Tenant, ancestor_ids
from core.tenancy.scope import cross_tenant_scope, current_tenant_id
from plugins.reporting.models import ItemTag, Priority
from plugins.reporting.priorities.workflow import PRIORITY_EVENTS, PRIORITY_FLOW

HISTORY_FIELDS = (
    "id",
    "transition",
    "from_state",
    "to_state",
    "actor_id",
    "actor_name",
    "comment",
    "data",
    "at",
)


def priority_or_404(priority_id: int) -> Priority:
    return get_or_404(Priority, priority_id)


def own_priorities(year: int) -> list[Priority]:
    """The tenant's own priorities of ``year``, those in use first."""
    return list(
        db.session.scalars(
            select(Priority)
            .where(Priority.year == year)
            .order_by(Priority.is_active.desc(), Priority.id)
        )
    )


@contextmanager
def ancestors_reading(reason: str) -> Iterator[None]:
    """Also read the ancestors' rows (parent to root) for one audited purpose; a root
    has none, and opens nothing."""
    ids = [tenant_id for tenant_id, _depth in ancestor_ids(current_tenant_id())]
    opening = cross_tenant_scope(f"reporting: {reason}", ids) if ids else nullcontext()
    with opening:
        yield


def offered(year: int) -> list[dict[str, Any]]:
    """The priorities in use of ``year`` that the ancestors offer, grouped by level."""
    with ancestors_reading("the ancestors' priorities"):
        rows = db.session.execute(
            select(Priority, Tenant.name)
            .join(Tenant, Tenant.id == Priority.tenant_id)
            .where(
                Priority.tenant_id != current_tenant_id(),
                Priority.year == year,
                Priority.is_active.is_(True),
            )
            .order_by(Tenant.kind, Priority.tenant_id, Priority.id)
        ).all()
    return [priority_dict(priority, name) for priority, name in rows]


def priority_dict(priority: Priority, tenant_name: str = "") -> dict[str, Any]:
    return {
        "id": priority.id,
        "tenant_id": priority.tenant_id,
        "tenant_name": tenant_name,
        "year": priority.year,
        "title": priority.title,
        "is_active": priority.is_active,
        "state": priority.state,
    }


def history_of(priority: Priority) -> list[dict[str, Any]]:
    """The priority's history, each row titled in the user's language."""
    rows = []
    for change in PRIORITY_FLOW.history(priority):
        title = PRIORITY_EVENTS.get(change.transition)
        if title is None:
            title = PRIORITY_FLOW.transition(change.transition).title
        row = {c: getattr(change, c) for c in HISTORY_FIELDS}
        rows.append({**row, "title": _(title)})
    return rows


def tags_of(item_ids: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
    """The tags of these items (readable in the scope open), in one statement."""
    ids = list(item_ids)
    if not ids:
        return {}
    tags: dict[int, list[dict[str, Any]]] = {}
    for tag in db.session.scalars(
        select(ItemTag).where(ItemTag.item_id.in_(ids)).order_by(ItemTag.item_id, ItemTag.id)
    ):
        tags.setdefault(tag.item_id, []).append(
            {
                "priority_tenant_id": tag.priority_tenant_id,
                "priority_id": tag.priority_id,
                "title": tag.title,
            }
        )
    return tags
