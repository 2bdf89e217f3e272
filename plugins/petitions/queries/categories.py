"""问题类别 read: a category by id, the tree depth first with use counts, a category's
subtree and its path title, and whether an id may go on a petition. The changes are in
:mod:`plugins.petitions.services.categories`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from core.db import db
from core.lookup import get_or_404, get_or_none
from plugins.petitions.models import Petition, PetitionCategory


@dataclass
class CategoryEntry:
    """A category with its depth in the tree and how many petitions use it."""

    category: PetitionCategory
    depth: int
    used: int = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.category, name)


def find_category(category_id: int | None) -> PetitionCategory | None:
    return get_or_none(PetitionCategory, category_id)


def category_or_404(category_id: int) -> PetitionCategory:
    return get_or_404(PetitionCategory, category_id)


def category_tree(*, include_inactive: bool = True, counted: bool = True) -> list[CategoryEntry]:
    """Every category depth first, siblings by sort order then name, with use counts
    (two queries; one without the counts, as the public portal shows them)."""
    rows = list(db.session.scalars(select(PetitionCategory)))
    used = _use_counts() if counted else {}
    children: dict[int | None, list[PetitionCategory]] = {}
    ids = {c.id for c in rows}
    for c in rows:
        parent = c.parent_id if c.parent_id in ids else None
        children.setdefault(parent, []).append(c)
    out: list[CategoryEntry] = []

    def walk(parent: int | None, depth: int) -> None:
        for c in sorted(children.get(parent, []), key=lambda c: (c.sort_order, c.name, c.id)):
            if c.is_active or include_inactive:
                out.append(CategoryEntry(c, depth, used.get(c.id, 0)))
                walk(c.id, depth + 1)

    walk(None, 0)
    return out


def _use_counts() -> dict[int, int]:
    statement = (
        select(Petition.category_id, func.count())
        .where(Petition.category_id.is_not(None))
        .group_by(Petition.category_id)
    )
    return dict(db.session.execute(statement).all())


def descendant_ids(category_id: int) -> set[int]:
    """The category and every category under it."""
    rows = db.session.execute(select(PetitionCategory.id, PetitionCategory.parent_id)).all()
    below: dict[int | None, list[int]] = {}
    for cid, parent in rows:
        below.setdefault(parent, []).append(cid)
    found, todo = set(), [category_id]
    while todo:
        current = todo.pop()
        if current not in found:
            found.add(current)
            todo.extend(below.get(current, []))
    return found


def path_title(category: PetitionCategory | None) -> str:
    """``选人用人 / 拉票贿选``: the category with its ancestors."""
    names: list[str] = []
    seen: set[int] = set()
    while category is not None and category.id not in seen:
        seen.add(category.id)
        names.append(category.name)
        category = find_category(category.parent_id)
    return " / ".join(reversed(names))


def category_problem(category_id: int) -> str | None:
    """Why this id may not be used on a petition, or None."""
    found = find_category(category_id)
    if found is None:
        return _("问题类别不存在。")
    if not found.is_active:
        return _("该问题类别已停用。")
    return None
