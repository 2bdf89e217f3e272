"""信息要点 in Chromium, field by field: the city's 信息科 adds two priorities of the year
(once with a title already used, which names the field and keeps what was typed), the
county's 信息员 writes an item and ticks one of them, the edit form shows it ticked, and
the city finds the item in its inbox by that priority. Each record is read back from
the database."""

from __future__ import annotations

import sqlalchemy as sa
from playwright.sync_api import expect

from core import clock
from core.db import db
from core.tenancy.scope import cross_tenant_scope
from plugins.reporting.models import ItemTag, Priority
from tests.e2e.test_reporting_flow import _move, _session
from tests.e2e.test_reporting_flow import people as people  # noqa: F401 - the fixture

TITLE = "村级后备干部“墩苗”计划成效初显"


def _rows(app, model):
    with app.app_context(), cross_tenant_scope("test: read the records back"):
        return list(db.session.scalars(sa.select(model).order_by(model.id)))


def _add(city, title: str, year: str) -> None:
    form = city.locator("#priority-form")
    form.get_by_label("要点").fill(title)
    form.get_by_label("年度").fill(year)
    city.locator("#add-priority").click()
    city.wait_for_load_state()


def test_the_county_tags_an_item_with_the_citys_priority(app, people, live_server, browser):
    year = str(clock.today().year)
    city = _session(browser, live_server, "editor")
    city.goto(f"{live_server}/t/city/reporting/")
    city.locator("#reporting-tabs").get_by_role("link", name="信息要点").click()
    _add(city, "年轻干部培养选拔", year)
    _add(city, "基层党组织建设", year)
    _add(city, "基层党组织建设", year)  # the same title again: refused, kept as typed
    form = city.locator("#priority-form")
    expect(form.locator("[data-error-for=title]")).to_contain_text("本年度已有同名的信息要点")
    expect(form.get_by_label("要点")).to_have_value("基层党组织建设")
    assert [(p.title, p.year, p.is_active) for p in _rows(app, Priority)] == [
        ("年轻干部培养选拔", int(year), True),
        ("基层党组织建设", int(year), True),
    ]

    county = _session(browser, live_server, "writer")
    county.goto(f"{live_server}/t/county/reporting/")
    county.locator("#new-item").click()
    county.locator("#f-title").fill(TITLE)
    county.locator("#f-body").fill("选派八十名村级后备干部到乡镇站所跟班学习。")
    county.locator("#f-category").select_option("practice")
    county.locator("#f-priority_ids").get_by_label("基层党组织建设").check()
    county.locator("#f-pen_name").fill("张明")
    county.locator("#f-pen_phone").fill("0571-88880000")
    county.locator("#save-item").click()
    expect(county.locator("#item-tags")).to_have_text("基层党组织建设")
    (tag,) = _rows(app, ItemTag)
    chosen = next(p for p in _rows(app, Priority) if p.title == "基层党组织建设")
    assert (tag.priority_id, tag.priority_tenant_id, tag.title) == (
        chosen.id,
        chosen.tenant_id,
        "基层党组织建设",
    )
    county.locator("#edit-item").click()
    tags = county.locator("#f-priority_ids")
    expect(tags.get_by_label("基层党组织建设")).to_be_checked()
    expect(tags.get_by_label("年轻干部培养选拔")).not_to_be_checked()
    county.locator("#save-item").click()
    _move(county, "send_for_approval")
    _move(county, "approve")

    city.goto(f"{live_server}/t/city/reporting/inbox")
    city.locator("select[name=priority_id]").select_option(label="基层党组织建设")
    city.locator("#inbox-filters").get_by_role("button", name="筛选").click()
    city.wait_for_load_state()
    expect(city.locator("#inbox")).to_contain_text(TITLE)
    city.locator("select[name=priority_id]").select_option(label="年轻干部培养选拔")
    city.locator("#inbox-filters").get_by_role("button", name="筛选").click()
    city.wait_for_load_state()
    expect(city.locator("#inbox")).to_contain_text("收件箱为空")
