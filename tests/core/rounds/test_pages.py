"""The 统计报表上报 pages: the city opens a round through the form, county-a reviews and
submits, the city sees submitted and late, exports the round; bad input and other
tenants' ids."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook

from tests.core.rollup.world import TODAY
from tests.core.rounds.helpers import world
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
