"""Writing 信息要点: a level keeps its priorities (add, edit, retire — each on the
priority's history and in the audit log), and an item is tagged with those its
ancestors offer. A tag names a priority of another tenant, so it is checked against
what the ancestors' read offers, never taken on trust: anything else is refused."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import select

from core.db import db
from plugins.reporting.models import ItemTag, Priority, ReportItem
from plugins.reporting.priorities.queries import offered
from plugins.reporting.priorities.workflow import PRIORITY_FLOW

if TYPE_CHECKING:
    from core.auth.users import Actor

MAX_TAGS = 10


def create_priority(data: Mapping[str, Any], actor: Actor) -> Priority:
    """A new priority of the tenant in scope, in use at once."""
    _refuse_duplicate(data["year"], data["title"])
    priority = Priority(year=data["year"], title=data["title"], is_active=True)
    db.session.add(priority)
    db.session.flush()
    PRIORITY_FLOW.start(priority, actor)
    return priority


def update_priority(priority: Priority, data: Mapping[str, Any], actor: Actor) -> Priority:
    """Change a priority's title or year; the history keeps what it was. Items tagged
    before keep the title they were tagged with."""
    before = {"title": priority.title, "year": priority.year}
    after = {**before, **{k: data[k] for k in ("title", "year") if k in data}}
    if after == before:
        return priority
    if (after["title"], after["year"]) != (before["title"], before["year"]):
        _refuse_duplicate(after["year"], after["title"], but=priority.id)
    priority.title, priority.year = after["title"], after["year"]
    changed = {f"{key}_before": value for key, value in before.items()}
    PRIORITY_FLOW.note(priority, "edited", actor, data={**changed, **after})
    return priority


def move_priority(priority: Priority, name: str, actor: Actor, comment: str | None = None):
    """停用 or 重新启用."""
    return PRIORITY_FLOW.fire(priority, name, actor, comment=comment)


def _refuse_duplicate(year: int, title: str, but: int | None = None) -> None:
    same = select(Priority.id).where(Priority.year == year, Priority.title == title)
    if but is not None:
        same = same.where(Priority.id != but)
    if db.session.scalar(same) is not None:
        raise ValidationError({"title": [_("本年度已有同名的信息要点")]})


def chosen_priorities(priority_ids: list[int] | None, year: int) -> list[dict[str, Any]]:
    """The offered priorities ``priority_ids`` names, or a refusal naming the field: a
    priority not of an ancestor, retired, or of another year is never tagged."""
    ids = list(dict.fromkeys(priority_ids or []))
    if len(ids) > MAX_TAGS:
        raise ValidationError({"priority_ids": [_("最多选择 10 个信息要点")]})
    if not ids:
        return []
    by_id = {p["id"]: p for p in offered(year)}
    if any(i not in by_id for i in ids):
        raise ValidationError({"priority_ids": [_("所选信息要点不是上级单位本年度在用的信息要点")]})
    return [by_id[i] for i in ids]


def set_tags(item: ReportItem, chosen: list[dict[str, Any]]) -> None:
    """Replace the item's tags with ``chosen`` (from :func:`chosen_priorities`)."""
    if item.id is None:
        db.session.flush()
    for tag in db.session.scalars(select(ItemTag).where(ItemTag.item_id == item.id)):
        db.session.delete(tag)
    db.session.flush()
    for priority in chosen:
        db.session.add(
            ItemTag(
                item_id=item.id,
                priority_tenant_id=priority["tenant_id"],
                priority_id=priority["id"],
                title=priority["title"],
            )
        )
