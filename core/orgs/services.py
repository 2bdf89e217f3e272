"""Org units and members: every change goes through here, once, with its audit entry.

The API and the pages call these functions with input their schemas already loaded; the
checks that need the stored row (cycles in the tree, a partial update that contradicts
what is stored, a duplicate ID number) raise :class:`marshmallow.ValidationError` keyed
by field, like the schemas do. Nothing here commits: core commits each request once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

from flask import abort
from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from core.api.messages import localize
from core.api.pagination import BadCursor, Page, decode_cursor, keyset_page
from core.audit.service import record
from core.db import db
from core.imports import ImportRejected, ImportReport, read_xlsx, rows_to_write
from core.orgs import id_numbers
from core.orgs.models import VETERAN_BEFORE, Member, OrgUnit
from core.orgs.schemas import (
    IMPORT_HEADERS,
    MAX_DB_ID,
    MemberImportRow,
    find_unit,
    mask,
    member_problems,
)
from core.workflow import WorkflowError

UNIT_FIELDS = ("name", "kind", "code", "parent_id", "sort_order", "notes")
MEMBER_FIELDS = (
    "name",
    "gender",
    "birth_date",
    "id_number",
    "phone",
    "branch_id",
    "joined_on",
    "status",
    "is_retired",
    "is_unemployed",
    "is_floating",
    "notes",
)


class OrgConflict(WorkflowError):
    """The change contradicts the tree (HTTP 409, the message says what to do first)."""


# -- lookups ----------------------------------------------------------------------------


def unit_or_404(unit_id: int) -> OrgUnit:
    unit = find_unit(unit_id)
    if unit is None:
        abort(404)
    return unit


def member_or_404(member_id: int) -> Member:
    member = db.session.get(Member, member_id) if 0 < member_id <= MAX_DB_ID else None
    if member is None:
        abort(404)
    return member


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


# -- audit helpers ----------------------------------------------------------------------


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def _audit_value(name: str, value: Any) -> Any:
    if name == "id_number" and value:
        return mask(value)  # never the raw number in the log
    return _plain(value)


def _snapshot(obj: Any, names: Iterable[str]) -> dict[str, Any]:
    return {name: _audit_value(name, getattr(obj, name)) for name in names}


def _apply(obj: Any, changes: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Set the changed attributes; return (before, after) of the ones that changed."""
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for name, value in changes.items():
        old = getattr(obj, name)
        if old != value:
            before[name] = _audit_value(name, old)
            after[name] = _audit_value(name, value)
            setattr(obj, name, value)
    return before, after


# -- units ------------------------------------------------------------------------------


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
    record("org_unit.created", obj=unit, detail={"after": _snapshot(unit, UNIT_FIELDS)})
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
    before, after = _apply(unit, changes)
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


# -- members ----------------------------------------------------------------------------


def _check_unique_id_number(number: str | None, member_id: int | None) -> None:
    if not number:
        return
    clash = db.session.scalar(
        select(Member.id).where(Member.id_number == number, Member.is_active).limit(1)
    )
    if clash is not None and clash != member_id:
        raise ValidationError(
            {"id_number": [_("该公民身份号码已登记（党员编号 %(id)s）。", id=clash)]}
        )


def _with_birth_date(values: dict[str, Any]) -> dict[str, Any]:
    """A birth date not given is read from the ID number."""
    number = values.get("id_number")
    if number and values.get("birth_date") is None:
        values["birth_date"] = id_numbers.birth_date_of(number)
    return values


def create_member(data: Mapping[str, Any], *, bulk: bool = False) -> Member:
    """One member, audited; ``bulk`` (imports) leaves the duplicate check, the flush and
    the audit entry to the caller, which does them once for the whole file."""
    values = _with_birth_date({k: data[k] for k in MEMBER_FIELDS if k in data})
    member = Member(**values)
    if not bulk:
        _check_unique_id_number(values.get("id_number"), None)
    db.session.add(member)
    if not bulk:
        db.session.flush()
        record("member.created", obj=member, detail={"after": _snapshot(member, MEMBER_FIELDS)})
    return member


def update_member(member: Member, changes: Mapping[str, Any]) -> Member:
    """A partial update, checked as a whole against what is stored."""
    changes = {k: changes[k] for k in MEMBER_FIELDS if k in changes}
    for flag in ("status", "is_retired", "is_unemployed", "is_floating"):
        if flag in changes and changes[flag] is None:
            changes.pop(flag)
    merged = {name: getattr(member, name) for name in MEMBER_FIELDS} | changes
    number = merged["id_number"]
    new_number = "id_number" in changes and "birth_date" not in changes
    if number and (new_number or merged["birth_date"] is None):
        # A birth date not given is read from the ID number (a new number brings its own).
        changes["birth_date"] = merged["birth_date"] = id_numbers.birth_date_of(number)
    errors = member_problems(merged)
    if errors:
        raise ValidationError(errors)
    if changes.get("id_number") != member.id_number:
        _check_unique_id_number(changes.get("id_number"), member.id)
    before, after = _apply(member, changes)
    if after:
        record("member.updated", obj=member, detail={"before": before, "after": after})
    return member


def deactivate_member(member: Member) -> Member:
    """Struck off the register (death, transfer out, leaving): kept, never deleted."""
    if member.is_active:
        member.is_active = False
        record("member.deactivated", obj=member, detail={"before": {"is_active": True}})
    return member


def reveal_identity(member: Member, via: str) -> str | None:
    """The full ID number, and an audit entry saying who looked at whose, and how."""
    record(
        "member.identity_viewed",
        obj=member,
        detail={"via": via, "name": member.name, "masked": member.masked_id_number},
    )
    return member.id_number


def audit_identity_disclosure(members: list[Member], via: str) -> None:
    """A response carrying full ID numbers (list, export) is a view of each of them."""
    shown = [m.id for m in members if m.id_number]
    if shown:
        record(
            "member.identity_viewed",
            object_type="members",
            detail={"via": via, "member_ids": shown, "count": len(shown)},
        )


def record_export(filters: Mapping[str, Any], *, full_identity: bool) -> None:
    detail = {"filters": {k: _plain(v) for k, v in filters.items()}, "full_identity": full_identity}
    record("member.exported", object_type="members", detail=detail)
    if full_identity:
        record("member.identity_viewed", object_type="members", detail={"via": "export", **detail})


# -- listing ----------------------------------------------------------------------------


def member_statement(filters: Mapping[str, Any]) -> Select:
    statement = select(Member).options(selectinload(Member.branch))
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


def member_page(filters: Mapping[str, Any]) -> Page:
    """Keyset pages by id (newest first by default) or by name (A→Z by default)."""
    sort = filters.get("sort", "id")
    keys = [Member.id] if sort == "id" else [Member.name, Member.id]
    order = filters.get("order") or ("desc" if sort == "id" else "asc")
    cursor = filters.get("cursor")
    if cursor:
        _check_cursor(cursor, keys)
    return keyset_page(
        member_statement(filters),
        keys,
        cursor=cursor,
        limit=filters.get("limit", 50),
        descending=order == "desc",
    )


def _check_cursor(cursor: str, keys: list[Any]) -> None:
    """A forged cursor must be a 422, not a database overflow error (a 500)."""
    for value in decode_cursor(cursor, keys):
        if value is None:
            raise BadCursor(cursor)
        if isinstance(value, int) and not 0 <= value <= MAX_DB_ID:
            raise BadCursor(cursor)
        if isinstance(value, str) and len(value) > 200:
            raise BadCursor(cursor)


def iter_members(filters: Mapping[str, Any]) -> Iterator[Member]:
    statement = member_statement(filters).order_by(Member.id)
    yield from db.session.scalars(statement.execution_options(yield_per=500))


# -- import ----------------------------------------------------------------------------


@dataclass
class ImportOutcome:
    report: ImportReport
    imported: list[Member]
    rejected: bool

    def to_dict(self) -> dict[str, Any]:
        data = localize(self.report.to_dict())
        data["imported"] = len(self.imported)
        data["titles"] = dict(self.report.titles)
        return data


def read_member_file(stream: IO[bytes]) -> ImportReport:
    report = read_xlsx(stream, MemberImportRow(), IMPORT_HEADERS)
    _flag_duplicates(report)
    return report


def _flag_duplicates(report: ImportReport) -> None:
    """An ID number already registered, or twice in the file, makes its row invalid."""
    numbers = [r.data["id_number"] for r in report.valid_rows if r.data and r.data.get("id_number")]
    registered: dict[str, int] = {}
    for start in range(0, len(numbers), 500):
        chunk = numbers[start : start + 500]
        registered.update(
            db.session.execute(
                select(Member.id_number, Member.id).where(
                    Member.id_number.in_(chunk), Member.is_active
                )
            ).all()
        )
    first_row: dict[str, int] = {}
    for row in report.rows:
        number = row.data.get("id_number") if row.data else None
        if not number:
            continue
        if number in registered:
            row.errors["id_number"] = [
                _("该公民身份号码已登记（党员编号 %(id)s）。", id=registered[number])
            ]
        elif number in first_row:
            row.errors["id_number"] = [
                _("与第 %(row)d 行的公民身份号码重复。", row=first_row[number])
            ]
        else:
            first_row[number] = row.row_number


def import_members(stream: IO[bytes], *, valid_only: bool) -> ImportOutcome:
    """All rows or none, unless ``valid_only``; a file-level error writes nothing."""
    report = read_member_file(stream)
    try:
        rows = rows_to_write(report, valid_only)
    except ImportRejected:
        return ImportOutcome(report, [], rejected=True)
    created = [create_member(row, bulk=True) for row in rows]  # duplicates were flagged
    if created:
        db.session.flush()
        record(
            "member.imported",
            object_type="members",
            detail={
                "count": len(created),
                "member_ids": [m.id for m in created],
                "skipped_rows": [r.row_number for r in report.rows if not r.ok],
                "valid_only": valid_only,
            },
        )
    return ImportOutcome(report, created, rejected=False)
