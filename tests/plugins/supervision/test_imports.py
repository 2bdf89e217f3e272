"""Importing the annual work-priorities decomposition: a valid file becomes assigned
items (sub-tasks under their parents); any bad row, or a broken, hostile or oversized
file, writes nothing and says why, row by row."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from core.db import db
from plugins.supervision.models import SupervisionItem
from plugins.supervision.services.imports import HEADERS, import_items

HEADER = list(HEADERS)


@pytest.fixture(autouse=True)
def _today(set_today):
    set_today(date(2026, 1, 10))


def xlsx(*rows: list) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def row(
    number,
    title,
    deadline,
    parent=None,
    person="owner",
    leader="leader",
    section="组织科",
    cycle="每月",
    priority="一般",
):
    return [
        number,
        title,
        parent,
        "要求",
        leader,
        section,
        person,
        deadline,
        cycle,
        priority,
        "2026年工作要点",
    ]


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(SupervisionItem))


def test_a_valid_decomposition_becomes_assigned_items(officer, section, users):
    outcome = import_items(
        xlsx(
            row("1", "基层组织建设", date(2026, 12, 31)),
            row("1.1", "村级组织换届", date(2026, 6, 30), parent="1"),
            row("2", "干部培训", date(2026, 11, 30), person=None, cycle="每周", priority="紧急"),
        ),
        officer,
    )
    assert (outcome["ok"], outcome["imported"]) == (True, 3)
    items = db.session.scalars(select(SupervisionItem).order_by(SupervisionItem.id)).all()
    parent, child, loose = items
    assert child.parent_id == parent.id
    assert (parent.state, parent.person_user_id, parent.leader_user_id, parent.section_id) == (
        "assigned",
        users["owner"].id,
        users["leader"].id,
        section.id,
    )
    assert (loose.state, loose.feedback_cycle, loose.priority) == ("created", "weekly", "urgent")
    assert {i.source for i in items} == {"priorities"}


def test_one_bad_row_writes_nothing_and_every_error_is_reported(officer, section, users):
    outcome = import_items(
        xlsx(
            row("1", "基层组织建设", date(2026, 12, 31)),
            row("1", "重复编号", date(2026, 12, 31)),
            row("2", "无此人", date(2026, 12, 31), person="张三丰"),
            row("3", "子任务超期", date(2027, 3, 1), parent="1"),
            row("4", "上级不存在", date(2026, 3, 1), parent="9"),
            row("5", "周期不对", "明年", cycle="每天"),
            row("6", "科室不对", date(2026, 3, 1), section="宣传部"),
        ),
        officer,
    )
    assert (outcome["ok"], outcome["imported"]) == (False, 0)
    errors = {r["row_number"]: set(r["errors"]) for r in outcome["row_errors"]}
    assert errors == {
        3: {"number"},
        4: {"person"},
        5: {"deadline"},
        6: {"parent"},
        7: {"deadline"},
        8: {"section"},
    }
    assert count() == 0


def test_an_existing_open_item_can_be_the_parent(officer, new_item, section, users):
    parent = new_item(date(2026, 12, 31))
    outcome = import_items(
        xlsx(row("1", "子任务", date(2026, 6, 30), parent=parent.serial)), officer
    )
    assert outcome["imported"] == 1
    child = db.session.scalar(select(SupervisionItem).where(SupervisionItem.id != parent.id))
    assert child.parent_id == parent.id


def zip_of(members: dict[str, bytes]) -> io.BytesIO:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    out.seek(0)
    return out


@pytest.mark.parametrize(
    "stream",
    [
        io.BytesIO(b""),
        io.BytesIO(b"not a spreadsheet at all"),
        io.BytesIO(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100),  # .xls or encrypted
        zip_of({"hello.txt": b"hi"}),
        zip_of({"[Content_Types].xml": b"<broken", "xl/workbook.xml": b"<x/>"}),
        zip_of({"xl/bomb.xml": b"0" * (120 * 1024 * 1024)}),  # inflates past the cap
        io.BytesIO(b"PK" + b"\0" * (6 * 1024 * 1024)),  # over the size limit
    ],
    ids=["empty", "text", "ole", "zip", "corrupt", "bomb", "oversized"],
)
def test_broken_hostile_and_oversized_files_write_nothing(officer, stream):
    outcome = import_items(stream, officer)
    assert (outcome["ok"], outcome["imported"]) == (False, 0)
    assert outcome["file_errors"]
    assert count() == 0


def test_headers_only_is_refused(officer):
    outcome = import_items(xlsx(), officer)
    assert outcome["file_errors"] and count() == 0


def test_formulas_are_never_evaluated_nor_stored(officer, section, users):
    outcome = import_items(xlsx(row("1", '=HYPERLINK("http://x","y")', date(2026, 6, 30))), officer)
    # core.imports reads cached values, never formulas: a formula-only title is empty.
    assert (outcome["imported"], set(outcome["row_errors"][0]["errors"])) == (0, {"title"})
    assert count() == 0


def test_template_is_downloadable_and_imports(client, app, factory):
    factory.tenant("county", plugins=["supervision"])
    person = factory.user("county", "officer", roles=["admin", "supervisor"])
    token = factory.token(person)
    response = client.get(
        "/api/v1/t/county/supervision/import-template", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert [c.value for c in sheet[1]] == HEADER
