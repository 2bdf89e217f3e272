"""The org-unit tree, and creating, changing and deactivating (撤销) units.

Input comes already loaded by the schemas; checks that need the stored rows (a code in
use, a cycle in the tree, members in a unit that would become a section) raise
:class:`marshmallow.ValidationError` keyed by field. Every change leaves its audit
entry; nothing here commits (core commits each request once).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import abort
from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import func, select

from core.audit.service import record
from core.db import db
from core.orgs.changes import apply_changes, snapshot
from core.orgs.checks import find_unit
from core.orgs.models import Member, OrgUnit
from core.workflow import WorkflowError

UNIT_FIELDS = ("name", "kind", "code", "parent_id", "sort_order", "notes")


class OrgConflict(WorkflowError):
    """The change contradicts the tree (HTTP 409, the message says what to do first)."""


def unit_or_404(unit_id: int) -> OrgUnit:
    unit = find_unit(unit_id)
    if unit is None:
        abort(404)
    return unit


# -- the tree ---------------------------------------------------------------------------


@dataclass
class TreeEntry:
    """A unit with its depth in the tree and its number of active members."""

    unit: OrgUnit
    depth: int
    member_count: int = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.unit, name)


def unit_tree(*, include_inactive: bool = False) -> list[TreeEntry]:
    """Every unit, depth first, siblings by sort order then name (one query)."""
    statement = select(OrgUnit)
    if not include_inactive:
        statement = statement.where(OrgUnit.is_active)
    units = list(db.session.scalars(statement))
    counts = dict(
        db.session.execute(
            select(Member.branch_id, func.count())
            .where(Member.is_active, Member.branch_id.is_not(None))
            .group_by(Member.branch_id)
        ).all()
    )
    known = {u.id for u in units}
    children: dict[int | None, list[OrgUnit]] = {}
    for unit in units:
        parent = unit.parent_id if unit.parent_id in known else None
        children.setdefault(parent, []).append(unit)
    for siblings in children.values():
        siblings.sort(key=lambda u: (u.sort_order, u.name, u.id))
    entries: list[TreeEntry] = []

    def walk(parent: int | None, depth: int) -> None:
        for unit in children.get(parent, []):
            entries.append(TreeEntry(unit, depth, counts.get(unit.id, 0)))
            walk(unit.id, depth + 1)

    walk(None, 0)
    return entries


def descendant_ids(unit_id: int) -> set[int]:
    """``unit_id`` and every unit below it (inactive ones included)."""
    rows = db.session.execute(select(OrgUnit.id, OrgUnit.parent_id)).all()
    below: dict[int | None, list[int]] = {}
    for uid, parent in rows:
        below.setdefault(parent, []).append(uid)
    found, stack = set(), [unit_id]
    while stack:
        current = stack.pop()
        if current in found:
            continue
        found.add(current)
        stack.extend(below.get(current, []))
    return found


# -- changes ----------------------------------------------------------------------------


def _check_code(code: str | None, unit_id: int | None) -> None:
    if not code:
        return
    clash = db.session.scalar(select(OrgUnit.id).where(OrgUnit.code == code))
    if clash is not None and clash != unit_id:
        raise ValidationError({"code": [_("该编码已被本单位其他组织使用。")]})


def _check_parent(unit: OrgUnit, parent_id: int | None) -> None:
    """A unit cannot be its own ancestor."""
    if parent_id is None:
        return
    if parent_id in descendant_ids(unit.id):
        raise ValidationError({"parent_id": [_("不能把组织设为自己或自己下级组织的下级。")]})


def _active_members(unit: OrgUnit) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Member)
        .where(Member.branch_id == unit.id, Member.is_active)
    )


def create_unit(data: Mapping[str, Any]) -> OrgUnit:
    values = {k: data[k] for k in UNIT_FIELDS if k in data}
    _check_code(values.get("code"), None)
    unit = OrgUnit(**values)
    db.session.add(unit)
    db.session.flush()
    record("org_unit.created", obj=unit, detail={"after": snapshot(unit, UNIT_FIELDS)})
    return unit


def update_unit(unit: OrgUnit, changes: Mapping[str, Any]) -> OrgUnit:
    changes = {k: changes[k] for k in UNIT_FIELDS if k in changes}
    if "code" in changes:
        _check_code(changes["code"], unit.id)
    if "parent_id" in changes:
        _check_parent(unit, changes["parent_id"])
    if changes.get("kind") == "section" and unit.kind != "section" and _active_members(unit):
        raise ValidationError({"kind": [_("该组织下有在册党员，不能改为科室。")]})
    if changes.get("sort_order", 0) is None:
        changes["sort_order"] = 0
    before, after = apply_changes(unit, changes)
    if after:
        record("org_unit.updated", obj=unit, detail={"before": before, "after": after})
    return unit


def deactivate_unit(unit: OrgUnit) -> OrgUnit:
    """撤销: refused while active members or active sub-units still belong to it."""
    if not unit.is_active:
        return unit
    members = _active_members(unit)
    children = db.session.scalar(
        select(func.count())
        .select_from(OrgUnit)
        .where(OrgUnit.parent_id == unit.id, OrgUnit.is_active)
    )
    if members or children:
        raise OrgConflict(
            _(
                "“%(name)s”下还有 %(members)d 名在册党员、%(children)d 个下级组织，请先转移或撤销。",
                name=unit.name,
                members=members,
                children=children,
            )
        )
    unit.is_active = False
    record("org_unit.deactivated", obj=unit, detail={"before": {"is_active": True}})
    return unit
