"""Org units and members: every change goes through here, once, with its audit entry.

The API and the pages call these functions with input their schemas already loaded; the
checks that need the stored row (cycles in the tree, a partial update that contradicts
what is stored, a duplicate ID number) raise :class:`marshmallow.ValidationError` keyed
by field, like the schemas do. Nothing here commits: core commits each request once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
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
from core.imports import ImportRejected, ImportReport, RowResult, read_xlsx, rows_to_write
from core.orgs import id_numbers
from core.orgs.models import UNIT_KINDS, UNIT_STATUSES, VETERAN_BEFORE, Member, OrgUnit
from core.orgs.schemas import (
    IMPORT_HEADERS,
    MAX_DB_ID,
    UNIT_IMPORT_HEADERS,
    MemberImportRow,
    UnitImportRow,
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
    imported: list[Any]
    rejected: bool

    def to_dict(self) -> dict[str, Any]:
        data = localize(self.report.to_dict())
        data["imported"] = len(self.imported)
        data["titles"] = dict(self.report.titles)
        return data


@dataclass(frozen=True)
class ImportAudit:
    """The summary entry an import leaves: its action, object type and key for the ids."""

    action: str
    object_type: str
    ids_key: str


def run_import(
    report: ImportReport,
    *,
    valid_only: bool,
    write: Callable[[list[dict[str, Any]]], list[Any]],
    audit: ImportAudit,
) -> ImportOutcome:
    """All rows or none, unless ``valid_only``; a file-level error writes nothing.

    ``write`` creates the objects of the rows to write (in file order) and returns them;
    one summary entry then records what was imported and which rows were skipped.
    """
    try:
        rows = rows_to_write(report, valid_only)
    except ImportRejected:
        return ImportOutcome(report, [], rejected=True)
    created = write(rows)
    if created:
        db.session.flush()
        record(
            audit.action,
            object_type=audit.object_type,
            detail={
                "count": len(created),
                audit.ids_key: [obj.id for obj in created],
                "skipped_rows": [r.row_number for r in report.rows if not r.ok],
                "valid_only": valid_only,
            },
        )
    return ImportOutcome(report, created, rejected=False)


# -- member import ----------------------------------------------------------------------


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
    return run_import(
        read_member_file(stream),
        valid_only=valid_only,
        # Duplicates were flagged: each member is created without its own check or entry.
        write=lambda rows: [create_member(row, bulk=True) for row in rows],
        audit=ImportAudit("member.imported", "members", "member_ids"),
    )


# -- unit import ------------------------------------------------------------------------


@dataclass(eq=False)
class _FileUnit:
    """A row of a unit file as the other rows may refer to it (valid or not)."""

    index: int
    row: RowResult
    name: str | None
    code: str | None
    parent: str | None
    is_active: bool | None  # None: the row failed before its status was known


def _text(value: Any) -> str | None:
    return (value.strip() or None) if isinstance(value, str) else None


def _file_units(report: ImportReport, seen: list[dict[str, Any]]) -> list[_FileUnit]:
    units = []
    for index, (row, raw) in enumerate(zip(report.rows, seen, strict=True)):
        data = row.data or {}
        units.append(
            _FileUnit(
                index=index,
                row=row,
                name=data.get("name") or _text(raw.get("name")),
                code=data.get("code") or _text(raw.get("code")),
                parent=data.get("parent") or _text(raw.get("parent")),
                is_active=data["status"] == "active" if row.data else None,
            )
        )
    return units


def read_unit_file(stream: IO[bytes]) -> ImportReport:
    """Validate a file of units and resolve each 上级组织 (see :func:`_resolve_parents`)."""
    schema = UnitImportRow()
    report = read_xlsx(stream, schema, UNIT_IMPORT_HEADERS)
    if report.rows:
        _resolve_parents(report, _file_units(report, schema.seen))
    return report


def _resolve_parents(report: ImportReport, rows: list[_FileUnit]) -> None:
    """Check codes and link every row to its parent, in file order.

    A parent is an existing unit of the tenant or an EARLIER row, found by code, else by
    a name nobody else has. A row whose parent row is invalid is invalid itself, so the
    rows counted valid are exactly those "import the valid rows only" can write.
    """
    existing = list(db.session.scalars(select(OrgUnit)))
    stored_codes = {u.code: u for u in existing if u.code}
    stored_names: dict[str, list[OrgUnit]] = {}
    for unit in existing:
        stored_names.setdefault(unit.name, []).append(unit)
    all_codes: dict[str, list[_FileUnit]] = {}
    all_names: dict[str, list[_FileUnit]] = {}
    for entry in rows:
        if entry.code:
            all_codes.setdefault(entry.code, []).append(entry)
        if entry.name:
            all_names.setdefault(entry.name, []).append(entry)
    earlier_codes: dict[str, list[_FileUnit]] = {}
    earlier_names: dict[str, list[_FileUnit]] = {}
    for entry in rows:
        row = entry.row
        if row.data is not None:
            row.data["row_number"] = row.row_number
        _check_file_code(entry, stored_codes, earlier_codes)
        if entry.parent and "parent" not in row.errors:
            code_hits: list[OrgUnit | _FileUnit] = []
            if entry.parent in stored_codes:
                code_hits.append(stored_codes[entry.parent])
            code_hits.extend(earlier_codes.get(entry.parent, []))
            hits = code_hits[:1] or [
                *stored_names.get(entry.parent, []),
                *earlier_names.get(entry.parent, []),
            ]
            problem = _parent_problem(entry, hits, rows, all_codes, all_names)
            if problem:
                row.errors["parent"] = [problem]
            elif row.data is not None:
                parent = hits[0]
                if isinstance(parent, OrgUnit):
                    row.data["parent_id"] = parent.id
                else:
                    row.data["parent_row"] = parent.row.row_number
        if entry.code:
            earlier_codes.setdefault(entry.code, []).append(entry)
        if entry.name:
            earlier_names.setdefault(entry.name, []).append(entry)


def _check_file_code(
    entry: _FileUnit, stored: Mapping[str, OrgUnit], earlier: Mapping[str, list[_FileUnit]]
) -> None:
    """A code already used in the tenant, or by an earlier row, makes the row invalid."""
    if not entry.code or "code" in entry.row.errors:
        return
    if entry.code in stored:
        entry.row.errors["code"] = [_("该编码已被本单位其他组织使用。")]
    elif entry.code in earlier:
        entry.row.errors["code"] = [
            _("与第 %(row)d 行的编码重复。", row=earlier[entry.code][0].row.row_number)
        ]


def _parent_problem(
    entry: _FileUnit,
    hits: list[OrgUnit | _FileUnit],
    rows: list[_FileUnit],
    all_codes: Mapping[str, list[_FileUnit]],
    all_names: Mapping[str, list[_FileUnit]],
) -> str | None:
    ref = entry.parent
    if len(hits) > 1:
        return _("有多个组织名为“%(name)s”，请填写组织编码。", name=ref)
    if hits:
        parent = hits[0]
        if isinstance(parent, OrgUnit):
            if entry.is_active and not parent.is_active:
                return _("该组织机构已撤销。")
            return None
        if not parent.row.ok:
            return _("上级组织所在的第 %(row)d 行有错误，本行不能导入。", row=parent.row.row_number)
        if entry.is_active and not parent.is_active:
            return _("上级组织（第 %(row)d 行）已撤销。", row=parent.row.row_number)
        return None
    if ref in (entry.code, entry.name):
        return _("不能把组织设为自己的上级。")
    later = _first_after(entry.index, all_codes.get(ref, [])) or _first_after(
        entry.index, all_names.get(ref, [])
    )
    if later is None:
        return _("本单位没有名称或编码为“%(name)s”的组织。", name=ref)
    cycle = _cycle_through(entry, later, all_codes, all_names)
    if cycle:
        return _(
            "上级组织形成循环：第 %(rows)s 行。",
            rows=" → ".join(str(e.row.row_number) for e in cycle),
        )
    return _(
        "上级组织“%(name)s”在第 %(row)d 行，须写在本行之前（先上级、后下级）。",
        name=ref,
        row=later.row.row_number,
    )


def _first_after(index: int, entries: list[_FileUnit]) -> _FileUnit | None:
    return next((e for e in entries if e.index > index), None)


def _cycle_through(
    start: _FileUnit,
    parent: _FileUnit,
    all_codes: Mapping[str, list[_FileUnit]],
    all_names: Mapping[str, list[_FileUnit]],
) -> list[_FileUnit] | None:
    """The rows from ``start`` up through its parents back to ``start``, if they loop."""
    path = [start, parent]
    current = parent
    while current.parent:
        found = all_codes.get(current.parent) or all_names.get(current.parent)
        if not found:
            return None
        current = found[0]
        if current is start:
            return [*path, start]
        if any(current is seen for seen in path):
            return None  # a loop that does not pass through ``start``
        path.append(current)
    return None


def _create_units(rows: list[dict[str, Any]]) -> list[OrgUnit]:
    """Each unit through :func:`create_unit` (audited one by one), parents first."""
    by_row: dict[int, OrgUnit] = {}
    for data in rows:
        values = dict(data)
        if "parent_row" in data:
            values["parent_id"] = by_row[data["parent_row"]].id
        unit = create_unit(values)
        if data["status"] == "inactive":
            deactivate_unit(unit)
        by_row[data["row_number"]] = unit
    return list(by_row.values())


def import_units(stream: IO[bytes], *, valid_only: bool) -> ImportOutcome:
    return run_import(
        read_unit_file(stream),
        valid_only=valid_only,
        write=_create_units,
        audit=ImportAudit("org_unit.imported", "org_units", "unit_ids"),
    )


# -- unit export ------------------------------------------------------------------------


def unit_export_rows(*, include_inactive: bool) -> list[dict[str, Any]]:
    """The tree in the order an import needs (parents first), labelled as people write.

    上级组织 is the parent's name where that finds it unambiguously on import, else its
    code: names are what people read, but two units may share one.
    """
    everything = list(db.session.scalars(select(OrgUnit)))
    by_id = {u.id: u for u in everything}
    names = Counter(u.name for u in everything)
    codes = {u.code for u in everything if u.code}

    def reference(unit: OrgUnit) -> str:
        unique = names[unit.name] == 1 and unit.name not in codes
        return unit.name if unique or not unit.code else unit.code

    rows = []
    for entry in unit_tree(include_inactive=include_inactive):
        parent = by_id.get(entry.parent_id) if entry.parent_id is not None else None
        rows.append(
            {
                "name": entry.name,
                "kind": UNIT_KINDS.get(entry.kind, entry.kind),
                "code": entry.code,
                "parent": reference(parent) if parent is not None else None,
                "sort_order": entry.sort_order,
                "status": UNIT_STATUSES["active" if entry.is_active else "inactive"],
                "member_count": entry.member_count,
            }
        )
    return rows
