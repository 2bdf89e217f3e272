"""Imports check every row, report by Excel row number and never crash on a bad upload."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime

import pytest
from flask import Flask
from flask_babel import Babel
from marshmallow import Schema, fields, validate
from openpyxl import Workbook, load_workbook

from core import imports
from core.imports import (
    ImportRejected,
    ImportReport,
    RowResult,
    read_xlsx,
    rows_to_write,
    template_xlsx,
)


class PersonSchema(Schema):
    name = fields.Str(required=True, validate=validate.Length(max=20))
    birth_date = fields.Date()
    count = fields.Int(validate=validate.Range(min=0, max=100))


HEADERS = {"姓名": "name", "出生日期": "birth_date", "人数": "count"}


@pytest.fixture(autouse=True)
def app_context():
    app = Flask(__name__)
    Babel(app)
    with app.test_request_context():
        yield app


def xlsx(*rows: list) -> io.BytesIO:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def read(stream: io.BytesIO, **limits) -> ImportReport:
    return read_xlsx(stream, PersonSchema(), HEADERS, **limits)


def only_file_error(report: ImportReport) -> str:
    assert not report.ok
    assert report.rows == []
    assert len(report.file_errors) == 1
    return report.file_errors[0]


def test_valid_file_loads_every_row():
    report = read(
        xlsx(
            ["人数", "备注", "姓名", "出生日期"],
            [3, "不导入的列", "张三", datetime(1980, 5, 6)],
            [None, None, "  李四 ", "1990-01-02"],
            [0, None, 13800138000, None],
        )
    )
    assert report.ok and report.file_errors == [] and report.error_count == 0
    assert [r.row_number for r in report.rows] == [2, 3, 4]
    assert [r.data for r in report.rows] == [
        {"name": "张三", "birth_date": date(1980, 5, 6), "count": 3},
        {"name": "李四", "birth_date": date(1990, 1, 2)},
        {"name": "13800138000", "count": 0},
    ]
    assert type(report.rows[0].data["birth_date"]) is date


def test_bad_rows_are_reported_by_row_number_and_field():
    report = read(
        xlsx(
            ["姓名", "出生日期", "人数"],
            ["张三", "1980-01-01", 1],
            [None, None, 2],
            ["名" * 21, "1980-13-01", 101],
            ["王五", "1980/01/01", 3.5],
        )
    )
    assert not report.ok
    rows = {r.row_number: r for r in report.rows}
    assert rows[2].ok and rows[2].data == {
        "name": "张三",
        "birth_date": date(1980, 1, 1),
        "count": 1,
    }
    assert set(rows[3].errors) == {"name"} and rows[3].data is None
    assert set(rows[4].errors) == {"name", "birth_date", "count"}
    assert set(rows[5].errors) == {"birth_date", "count"}  # 3.5 is not truncated to 3
    assert report.error_count == 6
    assert [r.row_number for r in report.valid_rows] == [2]

    as_dict = report.to_dict()
    assert as_dict["ok"] is False
    assert (as_dict["total_rows"], as_dict["valid_rows"], as_dict["error_count"]) == (4, 1, 6)
    assert [e["row_number"] for e in as_dict["row_errors"]] == [3, 4, 5]
    assert as_dict["row_errors"][0]["errors"] == {"name": rows[3].errors["name"]}


def test_report_spreadsheet_lists_row_column_and_message():
    report = read(xlsx(["姓名", "人数"], ["张三", 1], [None, 500]))
    ws = load_workbook(io.BytesIO(report.xlsx_bytes())).active
    lines = [[c.value for c in row] for row in ws.iter_rows(values_only=False)]
    assert lines[0] == ["行号", "列", "错误信息"]
    assert sorted((line[0], line[1]) for line in lines[1:]) == [(3, "人数"), (3, "姓名")]
    assert all(line[2] for line in lines[1:])


def test_report_spreadsheet_includes_file_errors():
    report = read(io.BytesIO(b"not a spreadsheet"))
    ws = load_workbook(io.BytesIO(report.xlsx_bytes())).active
    assert ws["A2"].value is None
    assert ws["C2"].value == report.file_errors[0]


def test_missing_required_header_is_a_file_error():
    message = only_file_error(read(xlsx(["出生日期", "人数"], ["1980-01-01", 1])))
    assert "姓名" in message


def test_missing_optional_header_is_fine():
    report = read(xlsx(["姓名"], ["张三"]))
    assert report.ok and report.rows[0].data == {"name": "张三"}


@pytest.mark.parametrize(
    "rows",
    [[], [["张三", "1980-01-01", 1]], [["", None]]],
    ids=["empty sheet", "data in first row", "blank header"],
)
def test_no_header_row_is_a_file_error(rows):
    assert only_file_error(read(xlsx(*rows)))


@pytest.mark.parametrize(
    "content",
    [
        b"",
        bytes(range(256)) * 8,
        "姓名,人数\n张三,1\n".encode(),
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512,
        b"PK\x03\x04" + b"\x00" * 100,
    ],
    ids=["empty", "garbage", "renamed csv", "xls or encrypted", "broken zip"],
)
def test_files_that_are_not_xlsx_give_a_file_error(content):
    assert only_file_error(read(io.BytesIO(content)))


def test_encrypted_or_xls_file_says_so():
    message = only_file_error(read(io.BytesIO(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)))
    assert ".xls" in message and "加密" in message


def zip_of(members: dict[str, bytes]) -> io.BytesIO:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    out.seek(0)
    return out


def test_zip_that_is_not_a_workbook_gives_a_file_error():
    assert only_file_error(read(zip_of({"word/document.xml": b"<w/>"})))


def test_corrupt_workbook_inside_a_valid_zip_gives_a_file_error():
    members = {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<not closed"}
    assert only_file_error(read(zip_of(members)))


def test_too_big_file_is_refused_before_parsing():
    stream = xlsx(["姓名"], ["张三"])
    message = only_file_error(read(stream, max_bytes=len(stream.getvalue()) - 1))
    assert "MB" in message


def test_declared_uncompressed_size_is_capped(monkeypatch):
    stream = xlsx(["姓名"], ["张三"])
    with zipfile.ZipFile(io.BytesIO(stream.getvalue())) as archive:
        declared = sum(m.file_size for m in archive.infolist())
    monkeypatch.setattr(imports, "MAX_UNCOMPRESSED_BYTES", declared - 1)
    assert only_file_error(read(stream))
    monkeypatch.setattr(imports, "MAX_UNCOMPRESSED_BYTES", declared)
    assert read(xlsx(["姓名"], ["张三"])).ok


def test_row_limit():
    rows = [["姓名"], ["甲"], ["乙"], ["丙"]]
    assert len(read(xlsx(*rows), max_rows=3).rows) == 3
    assert "3" in only_file_error(read(xlsx(*rows, ["丁"]), max_rows=3))


def test_blank_rows_are_skipped_and_numbering_follows_excel():
    report = read(
        xlsx(
            ["姓名", "人数", "备注"],
            ["张三", 1],
            [],
            [None, None],
            ["   ", "\u3000"],
            [None, None, "只有备注"],
            ["李四", 2],
        )
    )
    assert report.ok
    assert [(r.row_number, r.data["name"]) for r in report.rows] == [(2, "张三"), (7, "李四")]


def test_blank_rows_do_not_count_towards_the_row_limit():
    report = read(xlsx(["姓名"], ["甲"], [], [], [], ["乙"]), max_rows=2)
    assert report.ok and len(report.rows) == 2


def test_headers_must_name_schema_fields():
    with pytest.raises(ValueError, match="nickname"):
        read_xlsx(xlsx(["姓名"]), PersonSchema(), {"姓名": "name", "昵称": "nickname"})


def mixed_report() -> ImportReport:
    return ImportReport(
        rows=[RowResult(2, {"name": "张三"}, {}), RowResult(3, None, {"name": ["必填"]})]
    )


def test_rows_to_write_all_or_nothing():
    good = ImportReport(rows=[RowResult(2, {"name": "张三"}, {}), RowResult(3, {"name": "李四"})])
    assert rows_to_write(good, valid_only=False) == [{"name": "张三"}, {"name": "李四"}]

    report = mixed_report()
    with pytest.raises(ImportRejected) as rejected:
        rows_to_write(report, valid_only=False)
    assert rejected.value.report is report


def test_rows_to_write_valid_only():
    assert rows_to_write(mixed_report(), valid_only=True) == [{"name": "张三"}]


def test_rows_to_write_refuses_a_file_with_file_errors_in_both_modes():
    report = read(io.BytesIO(b"garbage"))
    for valid_only in (False, True):
        with pytest.raises(ImportRejected):
            rows_to_write(report, valid_only=valid_only)


def test_template_has_the_headers_and_an_example_that_imports():
    example = {"name": "张三", "birth_date": date(1980, 5, 6), "count": 3}
    data = template_xlsx(HEADERS, example)
    ws = load_workbook(io.BytesIO(data)).active
    assert [c.value for c in ws[1]] == ["姓名", "出生日期", "人数"]
    assert ws["B2"].is_date

    report = read(io.BytesIO(data))
    assert report.ok and [r.data for r in report.rows] == [example]


def test_template_without_example_is_only_headers():
    ws = load_workbook(io.BytesIO(template_xlsx(HEADERS, None))).active
    assert ws.max_row == 1
    assert [c.value for c in ws[1]] == ["姓名", "出生日期", "人数"]


def with_sheet_xml(stream: io.BytesIO, edit) -> io.BytesIO:
    """The same workbook with its first sheet's XML rewritten by ``edit``."""
    source = zipfile.ZipFile(stream)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = edit(data.decode()).encode()
            target.writestr(info.filename, data)
    out.seek(0)
    return out


def far_row(xml: str, row: int = 200_000) -> str:
    return xml.replace("</sheetData>", f'<row r="{row}"><c r="A{row}"/></row></sheetData>')


def without_dimension(xml: str) -> str:
    return re.sub(r"<dimension [^>]*/>", "", xml)


def rows_read(monkeypatch) -> list[int]:
    """Counts the rows openpyxl hands over, empty ones included."""
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    count = [0]
    original = ReadOnlyWorksheet._cells_by_row

    def counting(self, *args, **kwargs):
        for row in original(self, *args, **kwargs):
            count[0] += 1
            yield row

    monkeypatch.setattr(ReadOnlyWorksheet, "_cells_by_row", counting)
    return count


@pytest.mark.parametrize(
    "edit",
    [
        lambda xml: xml.replace('ref="A1:A2"', 'ref="A1:A1900000"'),
        lambda xml: far_row(xml),
        lambda xml: without_dimension(far_row(xml)),
    ],
    ids=["declared dimension", "true dimension, far empty row", "no dimension, far empty row"],
)
def test_a_sheet_of_millions_of_empty_rows_is_refused_without_reading_them(edit, monkeypatch):
    count = rows_read(monkeypatch)
    stream = with_sheet_xml(xlsx(["姓名"], ["甲"]), edit)
    message = only_file_error(read(stream, max_rows=10))
    assert "空行" in message
    assert count[0] <= 1 + 10 + imports.MAX_BLANK_ROWS + 1


def test_a_lying_dimension_does_not_hide_rows_past_the_limit(monkeypatch):
    count = rows_read(monkeypatch)
    rows = [["姓名"]] + [["甲"]] * 3 + [[None]] * imports.MAX_BLANK_ROWS
    stream = with_sheet_xml(
        xlsx(*rows), lambda xml: re.sub(r'ref="[^"]*"', 'ref="A1:A2"', far_row(xml, 5_000))
    )
    assert "空行" in only_file_error(read(stream, max_rows=3))
    assert count[0] <= 1 + 3 + imports.MAX_BLANK_ROWS + 1


def test_blank_rows_within_the_allowance_are_read():
    rows = [["姓名"], ["甲"]] + [[None]] * (imports.MAX_BLANK_ROWS - 1) + [["乙"]]
    report = read(xlsx(*rows), max_rows=2)
    assert report.ok and [r.data["name"] for r in report.rows] == ["甲", "乙"]


def test_an_undimensioned_sheet_of_many_rows_is_refused_before_openpyxl_sizes_it(monkeypatch):
    """openpyxl parses a whole sheet without a dimension when loading it: never get there."""

    def no_load(*args, **kwargs):
        raise AssertionError("load_workbook parsed a sheet past the row limit")

    monkeypatch.setattr(imports, "load_workbook", no_load)
    rows = "".join(f'<row r="{n}"/>' for n in range(3, 20_000))
    stream = with_sheet_xml(
        xlsx(["姓名"], ["甲"]),
        lambda xml: without_dimension(xml.replace("</sheetData>", rows + "</sheetData>")),
    )
    assert "空行" in only_file_error(read(stream, max_rows=10))
