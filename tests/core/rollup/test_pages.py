"""The 汇总 routes: the page (rows, drill-down, charts' data), the .xlsx and .docx
exports checked cell by cell, the permission, 404 for every tenant outside the subtree
or above it, bad input, and that no record-level data leaves through any of them."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import load_workbook

from tests.core.rollup.world import SECRET, TODAY, build
from tests.factories import login

QUERY = "period=month&year=2026&month=11"


@pytest.fixture
def world(app, factory, set_today):
    set_today(TODAY)
    ids = build(app, factory)
    factory.user("city", "city_admin")
    factory.user("city", "city_staff", roles=["staff"])
    factory.user("city", "city_leader", roles=["leader"])
    factory.user("county-a", "county_admin")
    return ids


def _as(app, username):
    client = app.test_client()
    login(client, username)
    return client


def _no_records(data: bytes) -> None:
    text = data.decode("utf-8", "replace")
    assert SECRET not in text and "XF-2026-" not in text and "DC-2026-" not in text


def test_the_page_shows_one_row_per_child_and_totals(app, world):
    response = _as(app, "city_leader").get(f"/t/city/rollup/?plugin=petitions&{QUERY}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'data-tenant="county-a"' in html and 'data-tenant="county-b"' in html
    assert "未启用" in html and "66.7%" in html
    assert 'data-drill="county-a"' in html and 'data-drill="county-b"' not in html
    assert "county-c" not in html and "city2" not in html
    _no_records(response.data)


def test_drill_down_and_404_outside_the_subtree(app, world):
    client = _as(app, "city_admin")
    county = client.get(f"/t/city/rollup/?plugin=petitions&node={world['county-a']}&{QUERY}")
    assert county.status_code == 200
    assert 'data-tenant="town-a1"' in county.get_data(as_text=True)
    for outside in ("province", "city2", "county-c"):
        for path in ("/t/city/rollup/", "/t/city/rollup/export.xlsx", "/t/city/rollup/export.docx"):
            assert client.get(f"{path}?node={world[outside]}").status_code == 404


def test_a_descendant_never_reaches_its_ancestors_rollup(app, world):
    client = _as(app, "county_admin")
    assert client.get("/t/city/rollup/").status_code == 404
    assert client.get(f"/t/county-a/rollup/?node={world['city']}").status_code == 404
    assert client.get("/t/county-a/rollup/export.xlsx").status_code == 200


def test_permission_and_bad_input(app, world):
    assert _as(app, "city_staff").get("/t/city/rollup/").status_code == 403
    client = _as(app, "city_admin")
    bad = client.get("/t/city/rollup/?period=range&date_from=2026-11-30&date_to=2026-11-01")
    assert bad.status_code == 400 and "结束日期不能早于开始日期" in bad.get_data(as_text=True)
    assert client.get("/t/city/rollup/export.xlsx?month=13").status_code == 400


def test_the_workbook_has_a_sheet_per_plugin_with_totals(app, world):
    response = _as(app, "city_admin").get(f"/t/city/rollup/export.xlsx?{QUERY}")
    assert response.status_code == 200
    _no_records(
        b"".join(
            zipfile.ZipFile(io.BytesIO(response.data)).read(n)
            for n in zipfile.ZipFile(io.BytesIO(response.data)).namelist()
        )
    )
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["党员和组织", "信访", "督查督办"]
    sheet = book["信访"]
    caption = sheet["A1"].value
    assert "2026年11月" in caption and "生成时间：2026-11-30" in caption
    header = [c.value for c in sheet[2]]
    rows = {
        r[0]: dict(zip(header, r, strict=True))
        for r in sheet.iter_rows(min_row=3, values_only=True)
    }
    assert list(rows) == ["本级", "county-a单位", "county-b单位", "合计"]
    assert rows["合计"]["收到信访件"] == 5 and rows["合计"]["按期办结率"] == "66.7%"
    assert rows["county-a单位"]["收到信访件"] == 3
    assert rows["county-b单位"]["状态"] == "未启用" and rows["county-b单位"]["收到信访件"] is None


def test_the_report_is_a_docx_from_the_template(app, world):
    response = _as(app, "city_admin").get(f"/t/city/rollup/export.docx?{QUERY}")
    assert response.status_code == 200
    document = zipfile.ZipFile(io.BytesIO(response.data)).read("word/document.xml").decode()
    assert "2026年11月" in document and "信访" in document and "66.7%" in document
    assert "county-a单位" in document and "{{" not in document
    _no_records(document.encode())
