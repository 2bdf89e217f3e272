"""The city's 收件箱 filters in Chromium, on the demo's data (issue 13: every form as a
person fills it): the sending county and the category chosen by their labels, the dates
typed; every row left matches, and a filter nothing matches shows none."""

from __future__ import annotations

from playwright.sync_api import expect

from core import clock
from core.demo import first_start
from tests.e2e.test_crawler import PASSWORD


def test_the_inbox_filters_by_county_category_and_dates(app, live_server, page):
    with app.app_context():
        first_start(app)
    page.goto(f"{live_server}/login")
    page.get_by_label("用户名").fill("city_editor")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    page.goto(f"{live_server}/t/demo-city/reporting/inbox")
    rows = page.locator("#inbox tbody tr[data-submission]")
    everything = rows.count()
    assert everything > 1

    filters = page.locator("form#inbox-filters")
    filters.get_by_label("报送单位").select_option(label="示范A县委组织部")
    filters.get_by_label("报送时间起").fill("2020-01-01")
    filters.get_by_label("报送时间止").fill(clock.today().isoformat())
    filters.get_by_role("button", name="筛选").click()
    page.wait_for_load_state()
    kept = rows.count()
    assert 0 < kept < everything
    for n in range(kept):
        expect(rows.nth(n).locator("td").first).to_have_text("示范A县委组织部")
    expect(page.locator("form#inbox-filters").get_by_label("报送单位")).to_have_value(
        page.locator(
            "form#inbox-filters select[name=child_tenant_id] option:checked"
        ).get_attribute("value")
    )

    filters = page.locator("form#inbox-filters")
    category = rows.first.locator("td").nth(2).inner_text()
    filters.get_by_label("类别").select_option(label=category)
    filters.get_by_role("button", name="筛选").click()
    page.wait_for_load_state()
    for n in range(rows.count()):
        expect(rows.nth(n).locator("td").nth(2)).to_have_text(category)

    filters = page.locator("form#inbox-filters")
    filters.get_by_label("报送时间起").fill("2001-01-01")
    filters.get_by_label("报送时间止").fill("2001-01-31")
    filters.get_by_role("button", name="筛选").click()
    page.wait_for_load_state()
    expect(rows).to_have_count(0)
