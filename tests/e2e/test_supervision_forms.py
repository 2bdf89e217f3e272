"""Every page form of supervision in Chromium, filled as a person fills it: selects chosen
by their visible label, dates typed, every field; the saved record checked in the
database; and once with one bad field, the other values kept and the error beside it.

The forms: 立项 (new item), 修改 (edit), the item page's moves and actions (签收, 反馈进展,
申请延期 and its approval by the leader, 催办, 申请办结 → 核验 → 评价 behind core's
confirmation dialog), the board's filters and the to-do list on the way. Screenshots
at 1366 and 390 px go to /tmp/shots-shell/.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from core import clock
from core.db import db
from core.orgs.models import OrgUnit
from core.tenancy.scope import tenant_scope
from plugins.supervision.models import SupervisionExtension, SupervisionItem
from tests.e2e.dialogs import confirm
from tests.factories import PASSWORD, Factory

SHOTS = Path("/tmp/shots-shell")
TITLE = "全面推进村级党组织标准化建设"


@pytest.fixture
def county(app, factory: Factory) -> int:
    tenant_id = factory.tenant("county", name="临安县委组织部", plugins=["supervision"])
    with app.app_context():
        with tenant_scope(tenant_id):
            db.session.add_all(
                [OrgUnit(name="组织科", kind="section"), OrgUnit(name="东村党支部", kind="branch")]
            )
        db.session.commit()
    factory.user("county", "officer", roles=["supervisor"], display_name="督查员")
    factory.user("county", "boss", roles=["supervision_leader"], display_name="王部长")
    factory.user("county", "owner", roles=["task_owner"], display_name="李科长")
    factory.user("county", "helper", roles=["task_owner"], display_name="赵干事")
    return tenant_id


def _session(browser, live_server: str, username: str, width: int = 1366) -> Page:
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.errors = errors  # type: ignore[attr-defined]
    page.goto(f"{live_server}/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_load_state()
    return page


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"supervision-{name}.png"), full_page=True)


def _item(app, tenant_id: int) -> SupervisionItem:
    with app.app_context(), tenant_scope(tenant_id):
        item = db.session.scalars(select(SupervisionItem)).one()
        db.session.expunge(item)
        return item


def _fill_item_form(page: Page, deadline: str, title: str = TITLE) -> None:
    page.get_by_label("事项名称").fill(title)
    page.locator("#f-source").select_option(label="部务会议定事项")  # 来源 (its label ends in *)
    page.get_by_label("来源文号或说明").fill("部务会纪要〔2026〕7号")
    page.get_by_label("目标要求").fill("年底前所有村级党组织达到标准化要求")
    page.get_by_label("责任领导").select_option(label="王部长")
    page.get_by_label("责任科室").select_option(label="组织科")
    page.get_by_label("责任人", exact=True).select_option(label="李科长")
    page.get_by_label("协办人").select_option(label="赵干事")
    page.get_by_label("办结期限").fill(deadline)
    page.get_by_label("反馈周期").select_option(label="每周")
    page.get_by_label("优先级").select_option(label="重要")
    page.get_by_label("节点名称").first.fill("制定方案")
    page.get_by_label("节点期限").first.fill(deadline)


def test_new_item_form_with_one_bad_field_then_every_field(app, county, live_server, browser):
    deadline = (clock.today() + timedelta(days=40)).isoformat()
    officer = _session(browser, live_server, "officer")
    officer.goto(f"{live_server}/t/county/supervision/items/new")
    # 责任领导 offers the leaders only; 责任科室 the sections only.
    leaders = officer.get_by_label("责任领导").locator("option").all_inner_texts()
    sections = officer.get_by_label("责任科室").locator("option").all_inner_texts()
    assert leaders == ["—", "王部长"] and sections == ["—", "组织科"]
    _fill_item_form(officer, deadline, title="")  # the one bad field: no title
    officer.locator("#save-item").click()
    error = officer.locator('[data-error-for="title"]')
    expect(error).to_be_visible()
    # Everything else is as it was typed or chosen.
    expect(officer.get_by_label("责任领导")).to_have_value(str(_user_id(app, "boss")))
    expect(officer.get_by_label("办结期限")).to_have_value(deadline)
    expect(officer.get_by_label("目标要求")).to_have_value("年底前所有村级党组织达到标准化要求")
    expect(officer.get_by_label("节点名称").first).to_have_value("制定方案")
    _shot(officer, "new-item-error-1366")
    officer.get_by_label("事项名称").fill(TITLE)
    officer.locator("#save-item").click()
    expect(officer.locator(".alert-success")).to_contain_text("已立项")
    _shot(officer, "item-1366")
    item = _item(app, county)
    assert (item.title, item.source, item.source_ref) == (TITLE, "meeting", "部务会纪要〔2026〕7号")
    assert (item.leader_user_id, item.person_user_id) == (
        _user_id(app, "boss"),
        _user_id(app, "owner"),
    )
    assert (item.deadline.isoformat(), item.feedback_cycle, item.priority, item.state) == (
        deadline,
        "weekly",
        "high",
        "assigned",
    )
    # The one refused form answers 422, which Chromium logs; nothing else may be logged.
    logged = [e for e in officer.errors if "status of 422" not in e]  # type: ignore[attr-defined]
    assert logged == []


def test_edit_form_and_the_item_page_moves(app, county, live_server, browser):
    deadline = (clock.today() + timedelta(days=40)).isoformat()
    officer = _session(browser, live_server, "officer")
    officer.goto(f"{live_server}/t/county/supervision/items/new")
    _fill_item_form(officer, deadline)
    officer.locator("#save-item").click()
    item_url = officer.url
    # 修改: one bad field first (a title too long is cut by the browser: clear it instead).
    officer.locator("#edit-item").click()
    officer.get_by_label("事项名称").fill("")
    officer.get_by_label("优先级").select_option(label="紧急")
    officer.get_by_role("button", name="保存").click()
    expect(officer.locator('[data-error-for="title"]')).to_be_visible()
    expect(officer.get_by_label("优先级")).to_have_value("urgent")
    officer.get_by_label("事项名称").fill(TITLE + "（修订）")
    officer.get_by_label("来源文号或说明").fill("部务会纪要〔2026〕8号")
    officer.get_by_label("反馈周期").select_option(label="每月")
    officer.get_by_role("button", name="保存").click()
    expect(officer.locator(".alert-success")).to_contain_text("已保存对")
    item = _item(app, county)
    assert (item.title, item.priority, item.feedback_cycle, item.source_ref) == (
        TITLE + "（修订）",
        "urgent",
        "monthly",
        "部务会纪要〔2026〕8号",
    )
    # A brand-new item offers no accountability, and no move of the person's.
    expect(officer.locator("form[data-action=accountability]")).to_have_count(0)
    expect(officer.locator("form[data-action=acknowledge]")).to_have_count(0)

    owner = _session(browser, live_server, "owner")
    owner.goto(item_url)
    owner.locator("form[data-action=acknowledge] button").click()
    expect(owner.locator(".alert-success")).to_contain_text(f"已签收，期限 {deadline}")
    report = owner.locator("form[data-action=report]")
    report.get_by_label("进展情况").fill("已完成摸底调研")
    report.get_by_label("完成百分比").fill("40")
    report.get_by_role("button", name="反馈进展").click()
    expect(owner.locator(".alert-success")).to_contain_text("进度 40%")
    later = (clock.today() + timedelta(days=60)).isoformat()
    extension = owner.locator("form[data-action=extension]")
    extension.get_by_label("延期至").fill(later)
    extension.get_by_label("延期理由").fill("验收时间调整")
    extension.get_by_role("button", name="申请延期").click()
    expect(owner.locator(".alert-success")).to_contain_text("待责任领导审批")
    _shot(owner, "item-owner-1366")

    boss = _session(browser, live_server, "boss")
    boss.goto(f"{live_server}/t/county/todo")
    expect(boss.locator("#todo-table")).to_contain_text("延期申请待审批")
    boss.goto(item_url)
    boss.locator("#extensions").get_by_role("button", name="批准", exact=True).click()
    expect(boss.locator(".alert-success")).to_contain_text(f"已批准延期，期限 {later}")
    boss.goto(f"{live_server}/t/county/todo")
    expect(boss.locator("#todo-empty")).to_be_visible()  # handled: it left the list
    with app.app_context(), tenant_scope(county):
        assert db.session.scalars(select(SupervisionExtension.state)).one() == "approved"

    owner.goto(item_url)
    owner.locator("form[data-action=request_completion] button").click()
    confirm(owner, "确定申请办结")
    expect(owner.locator("#item-state")).to_have_attribute("data-state", "completion_requested")
    officer.goto(f"{live_server}/t/county/todo")
    expect(officer.locator("#todo-table")).to_contain_text("待核验办结")
    officer.goto(item_url)
    officer.locator("form[data-action=verify] button").click()
    confirm(officer, "确定办结")
    rate = officer.locator("form[data-action=rate]")
    rate.get_by_label("评价等次").select_option(label="优")
    rate.get_by_role("button", name="评价", exact=True).click()
    confirm(officer, "评价提交后不能修改")
    expect(officer.locator("#item-rating")).to_have_text("优")
    expect(officer.locator("#history")).to_contain_text("批准延期")
    _shot(officer, "item-rated-1366")
    phone = _session(browser, live_server, "officer", width=390)
    phone.goto(item_url)
    _shot(phone, "item-rated-390")
    phone.goto(f"{live_server}/t/county/supervision/")
    _shot(phone, "board-390")
    assert item_url.endswith(f"/items/{item.id}")


def _user_id(app, username: str) -> int:
    from core.auth.models import User

    with app.app_context():
        return db.session.scalar(select(User.id).where(User.username == username))
