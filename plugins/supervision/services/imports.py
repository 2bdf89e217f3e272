"""Import of the annual work-priorities decomposition (工作要点分解立项) from .xlsx.

One row per task: its number in the file, name, parent task (the number of an earlier
row, or the serial of an existing item), requirements, responsible leader, section and
person (by name), deadline, feedback cycle, priority and source reference. Every row is
checked (core.imports for types and lengths, then names, parents and dates against the
tenant); the file is written only if every row passes, as items assigned to their
responsible person.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import IO, TYPE_CHECKING, Any

from flask_babel import gettext as _
from sqlalchemy import select

from core.audit.service import record
from core.db import db
from core.imports import ImportReport, read_xlsx
from plugins.supervision.models import CYCLES, PRIORITIES, SupervisionItem
from plugins.supervision.queries.records import sections, tenant_people
from plugins.supervision.schemas import SupervisionImportRowIn
from plugins.supervision.services.items import create_item

if TYPE_CHECKING:
    from core.auth.users import Actor

HEADERS: dict[str, str] = {
    "任务编号": "number",
    "任务名称": "title",
    "上级任务": "parent",
    "目标要求": "requirements",
    "责任领导": "leader",
    "责任科室": "section",
    "责任人": "person",
    "完成时限": "deadline",
    "反馈周期": "cycle",
    "优先级": "priority",
    "来源文号": "source_ref",
}
EXAMPLE: dict[str, Any] = {
    "number": "1",
    "title": "基层党组织标准化规范化建设",
    "parent": None,
    "requirements": "年底前全部村级党组织达到标准化要求",
    "leader": "张副部长",
    "section": "组织科",
    "person": "李科长",
    "deadline": date(2026, 12, 31),
    "cycle": "每月",
    "priority": "重要",
    "source_ref": "2026年全县组织工作要点第3条",
}
#: A decomposition runs to a few hundred rows; more is not a work plan.
MAX_ROWS = 2000


def _by_title(mapping: dict[str, str]) -> dict[str, str]:
    return {_(title): key for key, title in mapping.items()} | {
        title: key for key, title in mapping.items()
    }


def _unique_names(pairs: list[tuple[str, int]]) -> dict[str, int | None]:
    """name → id, or None when two share the name (ambiguous)."""
    found: dict[str, int | None] = {}
    for name, ident in pairs:
        found[name] = None if name in found else ident
    return found


@dataclass(frozen=True)
class Names:
    """What a row's names resolve against: the tenant's people, sections and choices."""

    people: dict[str, int | None]
    units: dict[str, int | None]
    cycles: dict[str, str]
    priorities: dict[str, str]


def _names() -> Names:
    return Names(
        _unique_names([(u.display_name, u.id) for u in tenant_people()]),
        _unique_names([(u.name, u.id) for u in sections()]),
        _by_title(CYCLES),
        _by_title(PRIORITIES),
    )


def _resolve_people(data: dict, item: dict, errors: dict, names: Names) -> None:
    for key, column in (("leader", "leader_user_id"), ("person", "person_user_id")):
        name = (data.get(key) or "").strip()
        if not name:
            continue
        if name not in names.people:
            errors.setdefault(key, []).append(_("本单位没有名为“%(n)s”的人员", n=name))
        elif names.people[name] is None:
            errors.setdefault(key, []).append(_("有多人名为“%(n)s”，无法确定", n=name))
        else:
            item[column] = names.people[name]
    section = (data.get("section") or "").strip()
    if section and names.units.get(section) is None:
        errors.setdefault("section", []).append(
            _("没有名为“%(n)s”的组织或科室（或重名）", n=section)
        )
    elif section:
        item["section_id"] = names.units[section]


def _resolve_choices(data: dict, item: dict, errors: dict, names: Names) -> None:
    for key, column, choices, default in (
        ("cycle", "feedback_cycle", names.cycles, "monthly"),
        ("priority", "priority", names.priorities, "normal"),
    ):
        value = (data.get(key) or "").strip()
        if value and value not in choices:
            errors.setdefault(key, []).append(
                _("应为：%(c)s", c="、".join(t for t in choices if not t.isascii()))
            )
        item[column] = choices.get(value, default)


def _resolve_parent(
    data: dict, item: dict, errors: dict, numbers: dict[str, tuple[int, date]]
) -> None:
    """The parent is an earlier row's number or an open item's serial, due no earlier."""
    parent = (data.get("parent") or "").strip()
    if not parent:
        return
    if parent in numbers:
        item["_parent_number"] = parent
        parent_deadline = numbers[parent][1]
    else:
        existing = db.session.scalar(
            select(SupervisionItem).where(SupervisionItem.serial == parent)
        )
        if existing is None or not existing.is_open:
            errors.setdefault("parent", []).append(
                _("上级任务应为前面行的任务编号或未办结事项的编号")
            )
            return
        item["parent_id"] = existing.id
        parent_deadline = existing.deadline
    if data["deadline"] > parent_deadline:
        errors.setdefault("deadline", []).append(_("子任务的期限不能晚于上级任务"))


def _row_item(row: Any) -> dict[str, Any]:
    data = row.data
    return {
        "title": data["title"].strip(),
        "source": "priorities",
        "source_ref": data.get("source_ref"),
        "requirements": data.get("requirements"),
        "deadline": data["deadline"],
        "_number": data["number"].strip(),
        "_row": row.row_number,
    }


def check(report: ImportReport) -> list[dict[str, Any]]:
    """Resolve names and parents of every loaded row, adding errors to the report;
    returns the rows as item data (with ``_number`` and ``_parent_number``)."""
    names = _names()
    numbers: dict[str, tuple[int, date]] = {}
    resolved = []
    for row in report.rows:
        if row.data is None or not row.ok:
            continue
        item = _row_item(row)
        _resolve_people(row.data, item, row.errors, names)
        _resolve_choices(row.data, item, row.errors, names)
        if item["_number"] in numbers:
            row.errors.setdefault("number", []).append(_("任务编号与前面的行重复"))
        _resolve_parent(row.data, item, row.errors, numbers)
        numbers.setdefault(item["_number"], (row.row_number, row.data["deadline"]))
        resolved.append(item)
    return resolved


def import_items(stream: IO[bytes], actor: Actor) -> dict[str, Any]:
    """Check the whole file; if every row passes, open and assign every task (parents
    first, as they come before their children). Returns the report as a dict, with
    ``imported``."""
    report = read_xlsx(stream, SupervisionImportRowIn(), HEADERS, max_rows=MAX_ROWS)
    rows = check(report) if not report.file_errors else []
    if not report.rows and not report.file_errors:
        report.file_errors.append(_("文件中没有数据行"))
    outcome = report.to_dict()
    outcome["titles"] = report.titles
    if not report.ok:
        outcome["imported"] = 0
        return outcome
    created: dict[str, SupervisionItem] = {}
    for row in rows:
        data = {k: v for k, v in row.items() if not k.startswith("_")}
        if "_parent_number" in row:
            data["parent_id"] = created[row["_parent_number"]].id
        created[row["_number"]] = create_item(
            data, actor, assign=data.get("person_user_id") is not None
        )
    record(
        "supervision_item.imported",
        object_type="supervision_items",
        detail={"count": len(created), "serials": [i.serial for i in created.values()][:50]},
    )
    outcome["imported"] = len(created)
    return outcome
