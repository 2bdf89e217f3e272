"""The 统计报表上报 pages: the city opens a round through the form, county-a reviews and
submits, the city sees submitted and late, exports the round; bad input and other
tenants' ids."""

from __future__ import annotations

import io
from datetime import date

from docx import Document
from openpyxl import load_workbook

from core.db import db
from core.tenancy.scope import tenant_scope
from tests.core.rollup.world import SECRET, TODAY, petition
from tests.core.rounds.helpers import open_round, submit, world
from tests.factories import csrf_token, login

FORM = {
    "title": "2026年11月信访统计",
    "period": "month",
    "year": "2026",
    "month": "11",
    "due_on": "2026-12-10",
    "plugins": ["petitions", "core"],
}


def _as(app, slug):
    client = app.test_client()
    login(client, f"leader-{slug}")
    return client


def _open(client) -> str:
    token = csrf_token(client, "/t/city/rounds/")
    response = client.post("/t/city/rounds/", data={**FORM, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def test_open_submit_and_see_submitted_and_late(app, factory, set_today):
    set_today(TODAY)
    world(app, factory)
    city = _as(app, "city")
    round_url = _open(city)
    county = _as(app, "county-a")
    todo = county.get("/t/county-a/todo").get_data(as_text=True)
    assert "待上报：2026年11月信访统计" in todo
    mine = county.get("/t/county-a/rounds/").get_data(as_text=True)
    assert "2026年11月信访统计" in mine
    link = mine.split('href="/t/county-a/rounds/submissions/')[1].split('"')[0]
    page = county.get(f"/t/county-a/rounds/submissions/{link}")
    assert page.status_code == 200 and "收到信访件" in page.get_data(as_text=True)
    token = csrf_token(county, f"/t/county-a/rounds/submissions/{link}")
    done = county.post(
        f"/t/county-a/rounds/submissions/{link}/submit",
        data={"notes": "已核对", "csrf_token": token},
    )
    assert done.status_code == 302
    set_today(date(2026, 12, 11))
    html = city.get(round_url).get_data(as_text=True)
    assert 'data-unit="county-a" data-state="submitted"' in html
    assert 'data-unit="county-b" data-state="draft" data-late="1"' in html
    assert "2026-11-30 12:00" in html  # submitted at noon, Beijing time (stored in UTC)
    assert "逾期" in city.get("/t/city/todo").get_data(as_text=True)
    sheet = load_workbook(io.BytesIO(city.get(round_url + "/export.xlsx").data)).worksheets[0]
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row]
    assert "county-a单位" in cells and "合计（已上报）" in cells


def test_bad_input_is_a_chinese_error_and_opens_nothing(app, factory, set_today):
    set_today(TODAY)
    world(app, factory)
    city = _as(app, "city")
    token = csrf_token(city, "/t/city/rounds/")
    response = city.post(
        "/t/city/rounds/", data={**FORM, "due_on": "2026-11-01", "csrf_token": token}
    )
    assert response.status_code == 422
    assert "截止日期不能早于今天" in response.get_data(as_text=True)
    county = _as(app, "county-a")
    assert "暂无上级发起的上报" in county.get("/t/county-a/rounds/").get_data(as_text=True)


def test_a_child_gets_404_for_the_parents_round(app, factory, set_today):
    set_today(TODAY)
    world(app, factory)
    round_url = _open(_as(app, "city"))
    round_id = round_url.rstrip("/").split("/")[-1]
    county = _as(app, "county-a")
    assert county.get(f"/t/county-a/rounds/{round_id}").status_code == 404
    assert county.get(f"/t/county-a/rounds/{round_id}/export.xlsx").status_code == 404


def _sheet_rows(sheet) -> tuple[str, dict[str, dict]]:
    caption, header, *rows = list(sheet.iter_rows(values_only=True))
    return caption[0], {r[0]: dict(zip(header, r, strict=True)) for r in rows}


def test_the_round_exports_snapshots_and_totals_as_xlsx_and_docx(app, factory, set_today):
    set_today(TODAY)
    ids, users = world(app, factory)
    round_id = open_round(app, ids, users)
    submit(app, ids, users, "county-a")
    with app.app_context(), tenant_scope(ids["county-a"]):
        # After the submission: the frozen figure holds in both files.
        db.session.add(petition(900))
        db.session.commit()
    set_today(date(2026, 12, 11))
    city = _as(app, "city")
    page = city.get(f"/t/city/rounds/{round_id}").get_data(as_text=True)
    assert f'href="/t/city/rounds/{round_id}/export.docx"' in page
    book = load_workbook(io.BytesIO(city.get(f"/t/city/rounds/{round_id}/export.xlsx").data))
    caption, rows = _sheet_rows(book["信访"])
    assert "2026年11月信访统计" in caption and "统计周期：2026年11月" in caption
    assert "截止日期：2026-12-10" in caption and "生成时间：2026-12-11 12:00" in caption
    assert list(rows) == ["county-a单位", "county-b单位", "合计（已上报）"]
    # county-a's branch: #3 (replied late), #4 and town-a1's #6; not the later #900.
    county_a = rows["county-a单位"]
    assert county_a["收到信访件"] == 3 and county_a["办结"] == 1
    assert county_a["按期办结率"] == "0.0%" and county_a["上报时间"] == "2026-11-30 12:00"
    assert rows["county-b单位"]["状态"] == "待上报（逾期）"
    assert rows["county-b单位"]["收到信访件"] is None
    assert rows["合计（已上报）"]["收到信访件"] == 3
    assert {s.title for s in book.worksheets} == {"信访", "党员和组织"}

    response = city.get(f"/t/city/rounds/{round_id}/export.docx")
    assert response.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(response.data)).paragraphs)
    assert "2026年11月信访统计上报汇总" in text and "生成时间：2026-12-11 12:00" in text
    assert "已上报 1 / 2 个单位，逾期未报：county-b单位" in text
    assert "收到信访件：3" in text and "county-a单位（已上报）：收到信访件 3" in text
    assert "county-b单位（待上报（逾期））：未上报" in text
    assert "{{" not in text and SECRET not in text
    county = _as(app, "county-a")
    assert county.get(f"/t/county-a/rounds/{round_id}/export.docx").status_code == 404
