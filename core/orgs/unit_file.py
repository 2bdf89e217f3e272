"""Reading a file of units: validating its rows and resolving each 上级组织.

A parent is an existing unit of the tenant or an earlier row of the file; a row that
names a later row, itself, a loop of rows or nobody gets an error that says which.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import IO, Any

from flask_babel import gettext as _
from sqlalchemy import select

from core.db import db
from core.imports import ImportReport, RowResult, read_xlsx
from core.orgs.models import OrgUnit
from core.orgs.schemas import UNIT_IMPORT_HEADERS, UnitImportRow


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
    stored_names = _grouped(existing, "name")
    all_codes, all_names = _grouped(rows, "code"), _grouped(rows, "name")
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
            _link_parent(entry, hits, _parent_problem(entry, hits, rows, all_codes, all_names))
        if entry.code:
            earlier_codes.setdefault(entry.code, []).append(entry)
        if entry.name:
            earlier_names.setdefault(entry.name, []).append(entry)


def _grouped(items: list[Any], attribute: str) -> dict[str, list[Any]]:
    """``items`` by the value of ``attribute``, those without one left out."""
    groups: dict[str, list[Any]] = {}
    for item in items:
        value = getattr(item, attribute)
        if value:
            groups.setdefault(value, []).append(item)
    return groups


def _link_parent(entry: _FileUnit, hits: list[OrgUnit | _FileUnit], problem: str | None) -> None:
    """The row's parent: a stored unit's id or an earlier row's number, or the problem."""
    row = entry.row
    if problem:
        row.errors["parent"] = [problem]
    elif row.data is not None:
        parent = hits[0]
        if isinstance(parent, OrgUnit):
            row.data["parent_id"] = parent.id
        else:
            row.data["parent_row"] = parent.row.row_number


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
