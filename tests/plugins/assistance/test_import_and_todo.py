"""Importing an existing hardship register (row-by-row report, all or nothing), the
to-do list the plugin feeds, and the dashboard figures."""

from __future__ import annotations

import io
from datetime import date

import pytest
from flask import current_app, g
from openpyxl import Workbook
from sqlalchemy import func, select

from core.db import db
from core.money import yuan
from core.orgs import id_numbers
from core.tenancy.models import Tenant
from core.tenancy.scope import current_tenant_id
from core.workflow import StateChange
from plugins.assistance import jobs
from plugins.assistance.models import HardshipRecord
from plugins.assistance.queries import reports
from plugins.assistance.services import aid, imports
from plugins.assistance.todo import todo_items
from plugins.assistance.workflow import LOAN_FLOW

HEADERS = list(imports.IMPORT_HEADERS)


def _xlsx(rows: list[list]) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


@pytest.fixture
def members(new_member):
    people = []
    for n, name in enumerate(("王大山", "李秀英")):
        people.append(
            new_member(name, id_number=id_numbers.make("330122", date(1950, 1, 1), 11 + n * 2))
        )
    return people


def _count() -> int:
    return db.session.scalar(select(func.count(HardshipRecord.id)))


def test_a_valid_register_is_imported_onto_the_register(members, clerk, set_today):
    set_today(date(2026, 3, 2))
    data = _xlsx(
        [
            [
                members[0].id_number,
                "王大山",
                "农村低收入",
                "特别困难",
                "因病、缺资金",
                2,
                650.5,
                "",
            ],
            [members[1].id_number, "李秀英", "临时困难", "一般困难", "下岗失业", 1, 3000, "备注"],
        ]
    )
    report = imports.import_register(data, clerk)
    assert report.ok, report.to_dict()
    records = db.session.scalars(select(HardshipRecord).order_by(HardshipRecord.id)).all()
    assert [r.state for r in records] == ["registered", "registered"]
    assert records[0].household_income_fen == 65_050
    assert records[0].causes == ["illness", "no_capital"]
    assert records[0].review_due == date(2027, 3, 2)
    assert (
        db.session.scalar(
            select(func.count(StateChange.id)).where(StateChange.transition == "import")
        )
        == 2
    )


@pytest.mark.parametrize(
    "row, column",
    [
        (["330122195001010000", "王大山", "农村低收入", "特别困难", "因病", 2, 100], "id_number"),
        (["{id}", "张三", "农村低收入", "特别困难", "因病", 2, 100], "id_number"),
        (["{id}", "王大山", "外星人", "特别困难", "因病", 2, 100], "category"),
        (["{id}", "王大山", "农村低收入", "特别困难", "中彩票", 2, 100], "causes"),
        (["{id}", "王大山", "农村低收入", "特别困难", "因病", 2, 100.125], "income_yuan"),
        (["{id}", "王大山", "农村低收入", "特别困难", "因病", 2, -5], "income_yuan"),
        (["{id}", "王大山", "农村低收入", "特别困难", "因病", 0, 100], "household_size"),
    ],
)
def test_a_bad_row_is_reported_and_nothing_is_written(members, clerk, row, column):
    row = [members[0].id_number if v == "{id}" else v for v in row]
    good = [members[1].id_number, "李秀英", "临时困难", "一般困难", "下岗失业", 1, 3000]
    report = imports.import_register(_xlsx([good, row]), clerk)
    assert not report.ok
    [bad] = [r for r in report.rows if not r.ok]
    assert bad.row_number == 3 and column in bad.errors
    assert _count() == 0


def test_valid_rows_only_when_chosen(members, clerk):
    rows = [
        [members[1].id_number, "李秀英", "临时困难", "一般困难", "下岗失业", 1, 3000],
        ["330122195001010000", "无此人", "临时困难", "一般困难", "下岗失业", 1, 3000],
    ]
    imports.import_register(_xlsx(rows), clerk, valid_only=True)
    assert _count() == 1


def test_a_broken_file_is_refused_with_a_clear_message(clerk, members):
    report = imports.import_register(io.BytesIO(b"this is not a spreadsheet"), clerk)
    assert report.file_errors and _count() == 0


def test_to_do_list_and_dashboard(members, clerk, leader, fund, set_today):
    set_today(date(2026, 1, 5))
    fund(1_000_000)
    services_record = imports.import_register(
        _xlsx([[members[0].id_number, "王大山", "农村低收入", "特别困难", "因病", 2, 500]]), clerk
    )
    assert services_record.ok
    record = db.session.scalar(select(HardshipRecord))
    loan = aid.apply_loan(
        {
            "record_id": record.id,
            "project": "种植",
            "amount_fen": 240_000,
            "guarantor_kind": "branch",
            "guarantor_name": "支部",
        },
        clerk,
    )
    LOAN_FLOW.fire(loan, "assess", clerk, data={"assessment": "可行"})
    LOAN_FLOW.fire(loan, "approve", leader)
    LOAN_FLOW.fire(loan, "disburse", leader)
    set_today(date(2026, 3, 10))
    jobs.scan_arrears()
    set_today(date(2026, 12, 20))
    jobs.open_annual_reviews()
    db.session.expire_all()  # the jobs update set-based, behind the identity map
    tenant = db.session.get(Tenant, current_tenant_id())
    with current_app.test_request_context("/t/county/"):
        g.tenant = tenant  # url_for fills the tenant's slug from here
        kinds = {(i.kind, i.light) for i in todo_items(tenant, leader)}
        clerk_kinds = {i.kind for i in todo_items(tenant, clerk)}
    assert ("arrears", "red") in kinds
    assert ("record", "yellow") in kinds  # the annual review, due 2027-01-05
    assert "arrears" not in clerk_kinds  # the clerk does not collect money
    figures = reports.widget_data()
    assert figures["in_arrears"] == 1
    assert figures["balance"] == yuan(1_000_000 - 240_000)
    assert [n for _k, _t, n in figures["by_level"]] == [0, 0, 1]
