"""汇总 in Chromium, as a city's leader uses it: opens 汇总 from the menu, chooses 信访,
sees one row per county with totals and the charts drawn, drills into county A (its
township appears), and exports the .xlsx of that level, whose figures are checked with
openpyxl. Pages are screenshotted into ``test-results/e2e/rollup-<database>/``."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.core.rollup.world import SECRET, TODAY, build
from tests.factories import PASSWORD

RESULTS = Path(__file__).resolve().parents[2] / "test-results" / "e2e"


def test_city_opens_rollup_drills_into_county_a_and_exports(
    app, factory, set_today, live_server, page, request
):
    shots = RESULTS / f"rollup-{request.node.callspec.id}"
    shots.mkdir(parents=True, exist_ok=True)
    set_today(TODAY)
    build(app, factory)
    factory.user("city", "city_leader", roles=["leader"], display_name="市部长")

    page.goto(f"{live_server}/login")
    page.get_by_label("用户名").fill("city_leader")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    page.goto(f"{live_server}/t/city/")
    page.get_by_role("link", name="汇总").first.click()
    expect(page.locator("h1")).to_contain_text("汇总")

    page.locator("#r-plugin").select_option("petitions")
    page.locator("#rollup-submit").click()
    table = page.locator("#rollup-table")
    expect(table.locator("tr[data-tenant=county-a]")).to_contain_text("3")
    expect(table.locator("tr[data-tenant=county-b]")).to_contain_text("未启用")
    expect(table.locator("tr[data-tenant=total]")).to_contain_text("66.7%")
    expect(page.locator("#chart-rollup-bars canvas")).to_have_count(1)
    expect(page.locator("#chart-rollup-trend canvas")).to_have_count(1)
    assert SECRET not in page.content()
    page.screenshot(path=str(shots / "1-city.png"), full_page=True)

    page.locator("a[data-drill=county-a]").click()
    expect(page.locator("#rollup-path")).to_contain_text("county-a单位")
    expect(table.locator("tr[data-tenant=town-a1]")).to_be_visible()
    expect(table.locator("tr[data-tenant=county-b]")).to_have_count(0)
    page.screenshot(path=str(shots / "2-county-a.png"), full_page=True)

    with page.expect_download() as download:
        page.locator("#rollup-export-xlsx").click()
    data = Path(download.value.path()).read_bytes()
    book = load_workbook(io.BytesIO(data))
    sheet = book["信访"]
    assert "county-a单位" in sheet["A1"].value and "2026年11月" in sheet["A1"].value
    header = [c.value for c in sheet[2]]
    rows = {
        r[0]: dict(zip(header, r, strict=True))
        for r in sheet.iter_rows(min_row=3, values_only=True)
    }
    assert list(rows) == ["本级", "town-a1单位", "合计"]
    assert rows["本级"]["收到信访件"] == 2 and rows["town-a1单位"]["收到信访件"] == 1
    assert rows["合计"]["收到信访件"] == 3 and rows["合计"]["未办结且已超期"] == 1
    assert rows["合计"]["按期办结率"] == "0.0%"
