"""问题类别: the tenant's own taxonomy of petition problems.

A tenant starts from :data:`DEFAULT_TAXONOMY` (seeded when it enables the plugin, once)
and then adds, renames, nests, reorders and deactivates categories. A category that a
petition uses is never deleted — it can only be deactivated, so the ledger and the
statistics of past years keep their labels. Every change is audited; nothing here
commits.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import func, select

from core.audit.service import record
from core.db import db
from core.workflow import WorkflowError
from plugins.petitions.models import Petition, PetitionCategory
from plugins.petitions.queries.categories import descendant_ids, find_category

CATEGORY_FIELDS = ("name", "parent_id", "sort_order", "is_active")

#: The default taxonomy, from the organization departments' usual petition categories
#: (12380 reports are mostly about cadre selection; the rest about members and branches).
DEFAULT_TAXONOMY: list[tuple[str, list[str]]] = [
    (
        "选人用人",
        [
            "跑官要官、买官卖官",
            "拉票贿选",
            "违反干部选拔任用程序",
            "干部档案造假",
            "超职数、超规格配备干部",
            "带病提拔",
        ],
    ),
    ("干部作风", ["不作为、慢作为", "违反中央八项规定精神", "工作作风粗暴"]),
    ("干部监督管理", ["个人有关事项报告不实", "干部兼职取酬", "因私出国（境）管理"]),
    ("党员教育管理", ["党员发展", "党费收缴使用", "组织关系转接", "党员申诉", "处置不合格党员"]),
    ("基层组织建设", ["村（社区）“两委”换届", "软弱涣散基层党组织", "村干部报酬待遇"]),
    ("人才工作", ["人才政策落实", "人才引进与待遇"]),
    ("老干部待遇", ["离退休干部生活待遇", "离退休干部政治待遇"]),
    ("公务员管理", ["公务员录用与考核", "公务员职级晋升"]),
    ("其他", []),
]


class CategoryConflict(WorkflowError):
    """The change contradicts the taxonomy (HTTP 409, the message says why)."""


def seed_defaults() -> int:
    """Seed :data:`DEFAULT_TAXONOMY` into the tenant in scope unless it already has a
    category (re-enabling the plugin, or a tenant that built its own, changes nothing).
    Returns the number of categories created."""
    if db.session.scalar(select(PetitionCategory.id).limit(1)) is not None:
        return 0
    created = 0
    for order, (name, children) in enumerate(DEFAULT_TAXONOMY):
        parent = PetitionCategory(name=name, sort_order=order * 10, is_active=True)
        db.session.add(parent)
        db.session.flush()
        db.session.add_all(
            PetitionCategory(name=child, parent_id=parent.id, sort_order=i * 10, is_active=True)
            for i, child in enumerate(children)
        )
        created += 1 + len(children)
    db.session.flush()
    record("petition_category.seeded", object_type="petition_categories", detail={"count": created})
    return created


def _check_name_free(name: str, parent_id: int | None, own_id: int | None) -> None:
    clash = db.session.scalar(
        select(PetitionCategory.id)
        .where(
            PetitionCategory.name == name,
            PetitionCategory.parent_id.is_(None)
            if parent_id is None
            else PetitionCategory.parent_id == parent_id,
        )
        .limit(1)
    )
    if clash is not None and clash != own_id:
        raise ValidationError({"name": [_("同一上级类别下已有同名类别。")]})


def _check_parent(parent_id: int | None, own_id: int | None) -> None:
    if parent_id is None:
        return
    if find_category(parent_id) is None:
        raise ValidationError({"parent_id": [_("上级类别不存在。")]})
    if own_id is not None and parent_id in descendant_ids(own_id):
        raise ValidationError({"parent_id": [_("不能把类别放到它自己或它的下级类别之下。")]})


def create_category(data: Mapping[str, Any]) -> PetitionCategory:
    parent_id = data.get("parent_id")
    _check_parent(parent_id, None)
    _check_name_free(data["name"], parent_id, None)
    sort_order = data.get("sort_order")
    if sort_order is None:
        last = db.session.scalar(
            select(func.max(PetitionCategory.sort_order)).where(
                PetitionCategory.parent_id.is_(None)
                if parent_id is None
                else PetitionCategory.parent_id == parent_id
            )
        )
        sort_order = 0 if last is None else last + 10
    category = PetitionCategory(
        name=data["name"],
        parent_id=parent_id,
        sort_order=sort_order,
        is_active=data.get("is_active", True),
    )
    db.session.add(category)
    db.session.flush()
    record(
        "petition_category.created",
        obj=category,
        detail={"name": category.name, "parent_id": parent_id},
    )
    return category


def update_category(category: PetitionCategory, changes: Mapping[str, Any]) -> PetitionCategory:
    """Rename, move under another parent, reorder, (de)activate — only what is given."""
    changes = {k: changes[k] for k in CATEGORY_FIELDS if k in changes}
    if changes.get("name") is None:
        changes.pop("name", None)
    if changes.get("sort_order") is None:
        changes.pop("sort_order", None)
    if changes.get("is_active") is None:
        changes.pop("is_active", None)
    if "parent_id" in changes:
        _check_parent(changes["parent_id"], category.id)
    name = changes.get("name", category.name)
    parent_id = changes.get("parent_id", category.parent_id)
    if "name" in changes or "parent_id" in changes:
        _check_name_free(name, parent_id, category.id)
    before = {k: getattr(category, k) for k in changes if getattr(category, k) != changes[k]}
    after = {k: changes[k] for k in before}
    for key, value in after.items():
        setattr(category, key, value)
    if after:
        db.session.flush()
        record("petition_category.updated", obj=category, detail={"before": before, "after": after})
    return category


def move_category(category: PetitionCategory, direction: str) -> PetitionCategory:
    """Swap places with the previous (``up``) or next (``down``) sibling."""
    siblings = sorted(
        db.session.scalars(
            select(PetitionCategory).where(
                PetitionCategory.parent_id.is_(None)
                if category.parent_id is None
                else PetitionCategory.parent_id == category.parent_id
            )
        ),
        key=lambda c: (c.sort_order, c.name, c.id),
    )
    index = next(i for i, c in enumerate(siblings) if c.id == category.id)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(siblings):
        return category
    # Renumber the siblings so equal sort orders cannot make the swap a no-op.
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, sibling in enumerate(siblings):
        sibling.sort_order = position * 10
    db.session.flush()
    record("petition_category.moved", obj=category, detail={"direction": direction})
    return category


def delete_category(category: PetitionCategory) -> None:
    """Delete a category no petition ever used and with no sub-categories; otherwise 409
    (deactivate it instead)."""
    used = db.session.scalar(
        select(func.count()).select_from(Petition).where(Petition.category_id == category.id)
    )
    if used:
        raise CategoryConflict(_("已有信访件使用该类别，不能删除，只能停用。"))
    child = db.session.scalar(
        select(PetitionCategory.id).where(PetitionCategory.parent_id == category.id).limit(1)
    )
    if child is not None:
        raise CategoryConflict(_("该类别下还有下级类别，请先删除或移走下级类别。"))
    record("petition_category.deleted", obj=category, detail={"name": category.name})
    db.session.delete(category)
    db.session.flush()
