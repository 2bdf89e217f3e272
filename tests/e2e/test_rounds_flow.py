"""统计报表上报 in Chromium: the city's leader opens a round from the form, county A's
leader finds it in 待办, reviews the generated figures and submits with one click; after
the due date the city sees A submitted and B late. Screenshots go to
``test-results/e2e/rounds-<database>/``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from playwright.sync_api import expect

from tests.core.rollup.world import TODAY
from tests.core.rounds.helpers import world
from tests.factories import PASSWORD

RESULTS = Path(__file__).resolve().parents[2] / "test-results" / "e2e"


def _login(page, live_server: str, username: str) -> None:
    page.goto(f"{live_server}/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()


def test_city_opens_a_round_county_a_submits_city_sees_b_late(
    app, factory, set_today, live_server, page, browser, request
):
    shots = RESULTS / f"rounds-{request.node.callspec.id}"
    shots.mkdir(parents=True, exist_ok=True)
    set_today(TODAY)
    world(app, factory)

    _login(page, live_server, "leader-city")
    page.goto(f"{live_server}/t/city/")
    page.get_by_role("link", name="统计报表上报").first.click()
    page.locator("#r-title").fill("2026年11月信访统计")
    page.locator("#r-period").select_option("month")
    page.locator("#r-year").fill("2026")
    page.locator("#r-month").fill("11")
    page.locator("#r-due").fill("2026-12-10")
    page.locator("input[name=plugins][value=petitions]").check()
    page.locator("#round-open-submit").click()
    units = page.locator("#round-units")
    expect(units.locator("tr[data-unit=county-a]")).to_contain_text("待上报")
    page.screenshot(path=str(shots / "1-opened.png"), full_page=True)

    county = browser.new_context(locale="zh-CN").new_page()
    _login(county, live_server, "leader-county-a")
    county.goto(f"{live_server}/t/county-a/todo")
    county.get_by_role("link", name="待上报：2026年11月信访统计").click()
    expect(county.locator("h1")).to_contain_text("2026年11月信访统计")
    county.locator("#s-notes").fill("数据已核对")
    county.locator("#submission-submit").click()
    expect(county.locator("#submission-state")).to_have_text("已上报")
    county.screenshot(path=str(shots / "2-submitted.png"), full_page=True)
    county.context.close()

    set_today(date(2026, 12, 11))
    page.reload()
    expect(units.locator("tr[data-unit=county-a]")).to_have_attribute("data-state", "submitted")
    expect(units.locator("tr[data-unit=county-b]")).to_have_attribute("data-late", "1")
    expect(units.locator("tr[data-unit=county-b]")).to_contain_text("逾期")
    page.screenshot(path=str(shots / "3-late.png"), full_page=True)
