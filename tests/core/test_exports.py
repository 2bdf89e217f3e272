"""Exported files must open correctly in Excel/WPS and never carry live formulas."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal
from types import SimpleNamespace
from urllib.parse import quote

import docx
import pytest
from flask import Flask
from flask_babel import Babel
from jinja2.exceptions import SecurityError
from openpyxl import load_workbook

from core.exports import (
    MIMETYPES,
    Column,
    Sheet,
    csv_bytes,
    download_response,
    fen_to_yuan,
    render_docx,
    sanitize_sheet_title,
    xlsx_bytes,
)

COLUMNS = [
    Column("name", "姓名", width=20),
    Column("amount", "金额（元）", kind="money"),
    Column("received_on", "收件日期", kind="date"),
    Column("created_at", "登记时间", width=18, kind="datetime"),
    Column("people", "人数", width=8, kind="int"),
]
ROW = {
    "name": "张三",
    "amount": 12345,
    "received_on": date(2024, 3, 1),
    "created_at": datetime(2024, 3, 1, 16, 30, tzinfo=UTC),
    "people": 5,
}


@pytest.fixture(autouse=True)
def app_context():
    app = Flask(__name__)
    Babel(app)
    with app.test_request_context():
        yield app


def open_xlsx(data: bytes):
    return load_workbook(io.BytesIO(data))


def sheet_xml(data: bytes, number: int = 1) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(f"xl/worksheets/sheet{number}.xml").decode()


def raw_value(xml: str, ref: str) -> str:
    match = re.search(rf'<c r="{ref}"[^>]*>(?:<f>.*?</f>)?<v>(.*?)</v>', xml)
    assert match, f"no value in {ref}"
    return match.group(1)


def test_xlsx_has_bold_frozen_header_with_widths_and_typed_cells():
    ws = open_xlsx(xlsx_bytes([Sheet("信访台账", COLUMNS, [ROW])]))["信访台账"]

    assert [c.value for c in ws[1]] == ["姓名", "金额（元）", "收件日期", "登记时间", "人数"]
    assert all(c.font.b for c in ws[1])
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["A"].width == 20
    assert ws.column_dimensions["B"].width == 15
    name, amount, received, created, people = ws[2]
    assert name.value == "张三"
    assert amount.value == 123.45
    assert amount.number_format == "#,##0.00"
    assert received.is_date and received.value == datetime(2024, 3, 1)
    assert received.number_format == "yyyy-mm-dd"
    # 16:30 UTC is half past midnight the next day in Beijing.
    assert created.is_date and created.value == datetime(2024, 3, 2, 0, 30)
    assert people.value == 5 and people.data_type == "n"


def test_naive_datetimes_are_taken_as_utc():
    rows = [{"created_at": datetime(2024, 1, 1, 0, 0)}]
    ws = open_xlsx(xlsx_bytes([Sheet("t", [COLUMNS[3]], rows)])).active
    assert ws["A2"].value == datetime(2024, 1, 1, 8, 0)


@pytest.mark.parametrize(
    ("fen", "written"),
    [
        (12345, "123.45"),
        (1, "0.01"),
        (10, "0.1"),
        (-250, "-2.5"),
        (0, "0"),
        # Excel holds 15 significant digits; up to there every cent must survive.
        (123456789012345, "1234567890123.45"),
    ],
)
def test_money_is_written_exactly_as_yuan(fen, written):
    data = xlsx_bytes([Sheet("t", [Column("amount", "金额", kind="money")], [{"amount": fen}])])
    assert raw_value(sheet_xml(data), "A2") == written


def test_money_refuses_anything_but_integer_fen():
    assert fen_to_yuan(12345) == Decimal("123.45")
    assert fen_to_yuan(-1) == Decimal("-0.01")
    with pytest.raises(TypeError):
        fen_to_yuan(123.45)  # type: ignore[arg-type]


def test_caption_goes_above_the_header_and_the_freeze_follows():
    ws = open_xlsx(
        xlsx_bytes([Sheet("t", COLUMNS, [ROW], caption="2024年第一季度信访台账")])
    ).active
    assert ws["A1"].value == "2024年第一季度信访台账"
    assert ws["A2"].value == "姓名" and ws["A2"].font.b
    assert ws["A3"].value == "张三"
    assert ws.freeze_panes == "A3"


def test_rows_may_be_objects_from_a_generator_missing_attributes():
    rows = (SimpleNamespace(name=f"人员{i}") for i in range(3))
    ws = open_xlsx(xlsx_bytes([Sheet("t", COLUMNS, rows)])).active
    assert [r[0].value for r in ws.iter_rows(min_row=2)] == ["人员0", "人员1", "人员2"]
    assert [c.value for c in ws[2][1:]] == [None, None, None, None]


@pytest.mark.parametrize("text", ["=1+1", '=HYPERLINK("http://x","点我")', "+1", "-1", "@SUM(A1)"])
def test_xlsx_text_cannot_become_a_formula(text):
    data = xlsx_bytes([Sheet("t", [Column("name", "姓名")], [{"name": text}])])
    cell = open_xlsx(data).active["A2"]
    assert cell.data_type == "s"
    assert cell.value == "'" + text
    assert "<f>" not in sheet_xml(data)


def test_xlsx_drops_control_characters_excel_rejects():
    data = xlsx_bytes([Sheet("t", [Column("name", "姓名")], [{"name": "张\x0b三\x00"}])])
    assert open_xlsx(data).active["A2"].value == "张三"


def test_sheet_titles_are_made_legal_and_unique():
    long_title = "2024年[一季度]:台账*汇总?/明细\\" * 2
    names = open_xlsx(xlsx_bytes([Sheet(long_title, COLUMNS, []), Sheet(long_title, COLUMNS, [])]))
    first, second = names.sheetnames
    assert len(first) <= 31 and len(second) <= 31
    assert not set("[]:*?/\\") & (set(first) | set(second))
    assert first != second
    assert sanitize_sheet_title("   ") == "Sheet"


def test_csv_has_bom_chinese_and_plain_values():
    data = csv_bytes(COLUMNS, [ROW, {"name": None}])
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [
        ["姓名", "金额（元）", "收件日期", "登记时间", "人数"],
        ["张三", "123.45", "2024-03-01", "2024-03-02 00:30:00", "5"],
        ["", "", "", "", ""],
    ]


def test_csv_money_is_exact_beyond_float_precision():
    data = csv_bytes([Column("amount", "金额", kind="money")], [{"amount": 2**60 + 1}])
    assert data.decode("utf-8-sig").splitlines()[1] == "11529215046068469.77"


def test_csv_guards_formula_injection_in_text_only():
    columns = [Column("name", "姓名"), Column("people", "人数", kind="int")]
    rows = [{"name": text, "people": -3} for text in ["=cmd|'/C calc'!A0", "+1", "-1", "@x", "ok"]]
    parsed = list(csv.reader(io.StringIO(csv_bytes(columns, rows).decode("utf-8-sig"))))[1:]
    assert [r[0] for r in parsed] == ["'=cmd|'/C calc'!A0", "'+1", "'-1", "'@x", "ok"]
    assert {r[1] for r in parsed} == {"-3"}


def docx_template(*paragraphs: str) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def docx_text(data: bytes) -> list[str]:
    return [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]


def test_render_docx_fills_the_template_and_escapes_values():
    data = render_docx(docx_template("尊敬的{{ name }}：", "特此告知。"), {"name": "张三 & <李四>"})
    assert docx_text(data) == ["尊敬的张三 & <李四>：", "特此告知。"]


def test_render_docx_accepts_a_path(tmp_path):
    path = tmp_path / "reply.docx"
    path.write_bytes(docx_template("{{ name }}同志"))
    assert docx_text(render_docx(path, {"name": "王五"})) == ["王五同志"]


def test_render_docx_sandboxes_tenant_templates():
    template = docx_template("{{ name.__class__.__mro__[1].__subclasses__() }}")
    with pytest.raises(SecurityError):
        render_docx(template, {"name": "x"})


@pytest.mark.parametrize("kind", ["xlsx", "csv", "docx"])
def test_download_response_carries_a_chinese_filename(kind):
    response = download_response(b"data", f"2024年信访台账.{kind}", kind)
    disposition = response.headers["Content-Disposition"]
    assert response.get_data() == b"data"
    assert response.headers["Content-Type"] == MIMETYPES[kind]
    assert disposition.startswith("attachment; ")
    assert f'filename="2024.{kind}"' in disposition
    assert f"filename*=UTF-8''{quote(f'2024年信访台账.{kind}')}" in disposition
    disposition.encode("ascii")  # headers must be pure ASCII


def test_download_response_adds_the_extension_and_a_fallback_name():
    disposition = download_response(b"", "台账", "xlsx").headers["Content-Disposition"]
    assert 'filename="download.xlsx"' in disposition
    assert "filename*=UTF-8''%E5%8F%B0%E8%B4%A6.xlsx" in disposition


def test_download_response_filename_cannot_break_the_header():
    disposition = download_response(b"", 'a"\r\nSet-Cookie: x=1.csv', "csv").headers[
        "Content-Disposition"
    ]
    assert "\r" not in disposition and "\n" not in disposition
    assert disposition.count('"') == 2
