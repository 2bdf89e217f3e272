"""Spreadsheets of the registry: .xlsx import of units and members, and their export.

An import writes all its rows or none (unless "valid rows only") and leaves one summary
audit entry; an export of members is audited, and a full-identity one counts as a view
of every ID number in it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import IO, Any

from flask_babel import gettext as _
from sqlalchemy import select

from core import clock
from core.api.messages import localize
from core.audit.service import record
from core.db import db
from core.exports import Column, Sheet, csv_bytes, xlsx_bytes
from core.imports import ImportRejected, ImportReport, read_xlsx, rows_to_write
from core.orgs.changes import plain
from core.orgs.listing import iter_members
from core.orgs.members import create_member
from core.orgs.models import GENDERS, MEMBER_STATUSES, UNIT_KINDS, UNIT_STATUSES, Member, OrgUnit
from core.orgs.schemas import IMPORT_HEADERS, MemberImportRow
from core.orgs.unit_file import read_unit_file
from core.orgs.units import create_unit, deactivate_unit, unit_tree

# -- import -----------------------------------------------------------------------------


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


# -- member export ----------------------------------------------------------------------

EXPORT_COLUMNS = [
    Column("id", "编号", width=8, kind="int"),
    Column("name", "姓名", width=12),
    Column("gender", "性别", width=6),
    Column("birth_date", "出生日期", width=12, kind="date"),
    Column("id_number", "公民身份号码", width=22),
    Column("phone", "联系电话", width=15),
    Column("branch", "所属党组织", width=24),
    Column("joined_on", "入党日期", width=12, kind="date"),
    Column("status", "党员类别", width=10),
    Column("veteran", "建国前老党员", width=12),
    Column("retired", "离退休", width=8),
    Column("unemployed", "下岗失业", width=10),
    Column("floating", "流动党员", width=10),
    Column("notes", "备注", width=30),
]


def _yes(flag: bool) -> str:
    return "是" if flag else "否"


def export_row(member: Member, full_identity: bool) -> dict[str, Any]:
    """Labels as people write them, so the file imports back unchanged."""
    return {
        "id": member.id,
        "name": member.name,
        "gender": GENDERS.get(member.gender, member.gender),
        "birth_date": member.birth_date,
        "id_number": member.id_number if full_identity else member.masked_id_number,
        "phone": member.phone,
        "branch": member.branch.name if member.branch else None,
        "joined_on": member.joined_on,
        "status": MEMBER_STATUSES.get(member.status, member.status),
        "veteran": _yes(member.is_veteran),
        "retired": _yes(member.is_retired),
        "unemployed": _yes(member.is_unemployed),
        "floating": _yes(member.is_floating),
        "notes": member.notes,
    }


def record_export(filters: Mapping[str, Any], *, full_identity: bool) -> None:
    detail = {"filters": {k: plain(v) for k, v in filters.items()}, "full_identity": full_identity}
    record("member.exported", object_type="members", detail=detail)
    if full_identity:
        record("member.identity_viewed", object_type="members", detail={"via": "export", **detail})


def members_file(
    filters: Mapping[str, Any], *, fmt: str, full_identity: bool, tenant_name: str
) -> bytes:
    """The members ``filters`` finds as .xlsx or .csv, audited as an export (see
    :func:`record_export`)."""
    record_export(filters, full_identity=full_identity)
    rows = (export_row(m, full_identity) for m in iter_members(filters))
    if fmt == "csv":
        return csv_bytes(EXPORT_COLUMNS, rows)
    caption = f"{tenant_name} 党员信息（导出于 {clock.today().isoformat()}）"
    return xlsx_bytes([Sheet("党员信息", EXPORT_COLUMNS, rows, caption=caption)])


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


UNIT_EXPORT_COLUMNS = [
    Column("name", "名称", width=28),
    Column("kind", "类型", width=10),
    Column("code", "编码", width=14),
    Column("parent", "上级组织", width=28),
    Column("sort_order", "排序", width=8, kind="int"),
    Column("status", "状态", width=8),
    Column("member_count", "党员数", width=8, kind="int"),
]


def units_file(include_inactive: bool, fmt: str) -> bytes:
    """No caption line: the header is row 1, so the file imports back as it is."""
    rows = unit_export_rows(include_inactive=include_inactive)
    if fmt == "csv":
        return csv_bytes(UNIT_EXPORT_COLUMNS, rows)
    return xlsx_bytes([Sheet("组织机构", UNIT_EXPORT_COLUMNS, rows)])
