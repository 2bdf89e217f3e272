"""The reporting forms the round trip does not use, filled in Chromium field by field as
the city's 信息科 fills them (issue 13): a 约稿 to a chosen county, a quota with a part by
category, and a 漏报 against a county; the quota once with a bad total, which names the
field and keeps every other value. Each saved record is read back from the database."""

from __future__ import annotations

import sqlalchemy as sa
from playwright.sync_api import expect

from core.db import db
from core.tenancy.models import Tenant
from core.tenancy.scope import tenant_scope
from plugins.reporting.models import MissedReport, Quota, QuotaPart, Request, RequestTarget
from tests.e2e.test_reporting_flow import _session
from tests.e2e.test_reporting_flow import people as people  # noqa: F401 - the fixture

CITY = "/t/city/reporting"


def _rows(app, model, *where):
    with app.app_context():
        city = db.session.scalar(sa.select(Tenant.id).where(Tenant.slug == "city"))
        with tenant_scope(city):
            return list(db.session.scalars(sa.select(model).where(*where)))


def _county(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(Tenant.id).where(Tenant.slug == "county"))


def test_a_commission_to_a_chosen_county(app, people, live_server, browser):
    city = _session(browser, live_server, "editor")
    city.goto(f"{live_server}{CITY}/requests")
    form = city.locator("#request-form")
    form.get_by_label("约稿主题").fill("基层党建引领乡村振兴典型经验")
    form.get_by_label("截止时间").fill("2027-01-15T18:00")
    form.get_by_label("具体要求").fill("1500字以内，附图片。")
    form.get_by_label("约稿单位").select_option(label="示范B县委组织部")
    city.locator("#send-request").click()
    city.wait_for_load_state()
    expect(city.locator("body")).to_contain_text("基层党建引领乡村振兴典型经验")
    (sent,) = _rows(app, Request)
    assert (sent.requirements, sent.all_children) == ("1500字以内，附图片。", False)
    assert [t.child_tenant_id for t in _rows(app, RequestTarget)] == [_county(app)]


def test_a_quota_with_a_part_and_once_with_a_bad_total(app, people, live_server, browser):
    city = _session(browser, live_server, "editor")
    city.goto(f"{live_server}{CITY}/quotas")
    form = city.locator("#quota-form")
    form.get_by_label("单位").select_option(label="示范B县委组织部")
    form.get_by_label("任务总数").fill("六")
    form.get_by_label("类别").first.select_option(label="经验做法")
    form.get_by_label("最低数量").first.fill("2")
    city.locator("#save-quota").click()
    city.wait_for_load_state()
    form = city.locator("#quota-form")
    expect(form.locator(".invalid-feedback").first).to_contain_text("任务总数")
    expect(form.get_by_label("最低数量").first).to_have_value("2")  # kept
    expect(form.get_by_label("类别").first).to_have_value("practice")
    expect(form.get_by_label("任务总数")).to_have_value("六")
    assert _rows(app, Quota) == []

    form.get_by_label("单位").select_option(label="示范B县委组织部")
    form.get_by_label("任务总数").fill("6")
    form.get_by_label("类别").first.select_option(label="经验做法")
    form.get_by_label("最低数量").first.fill("2")
    city.locator("#save-quota").click()
    city.wait_for_load_state()
    expect(city.locator("body")).to_contain_text("已保存示范B县委组织部的任务数。")
    (quota,) = _rows(app, Quota)
    assert (quota.child_tenant_id, quota.total) == (_county(app), 6)
    assert [(p.category, p.minimum) for p in _rows(app, QuotaPart)] == [("practice", 2)]


def test_a_missed_report_against_a_county(app, people, live_server, browser):
    city = _session(browser, live_server, "editor")
    city.goto(f"{live_server}{CITY}/incidents")
    form = city.locator("#missed-form")
    form.locator("select[name=child_tenant_id]").select_option(label="示范B县委组织部")
    form.locator("input[name=title]").fill("某村山体滑坡未报")
    form.locator("input[name=occurred_at]").fill("2026-11-30T08:30")
    form.locator("[name=note]").fill("经市应急局通报获知")
    form.locator("button").click()
    city.wait_for_load_state()
    (missed,) = _rows(app, MissedReport)
    assert (missed.child_tenant_id, missed.title, missed.note) == (
        _county(app),
        "某村山体滑坡未报",
        "经市应急局通报获知",
    )
