"""Supervision in Chromium, the way a county department follows a task through.

The supervisor imports the year's decomposition spreadsheet; the responsible person
acknowledges the task and reports progress with a percentage; the deadline passes (the
application's clock is moved) and the board turns the task red; the responsible leader
urges it (催办) and the message lands in the person's to-do list; the person asks for
completion, the supervisor verifies it and rates it 优.

Each user has a browser context of their own. Pages are screenshotted into
``test-results/e2e/supervision-<database>/``.
"""

from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import Workbook
from playwright.sync_api import Page, expect

from core import clock
from core.db import db
from core.orgs.models import OrgUnit
from core.tenancy.scope import tenant_scope
from plugins.supervision.services.imports import HEADERS
from tests.e2e.dialogs import confirm
from tests.factories import PASSWORD, Factory

RESULTS = Path(__file__).resolve().parents[2] / "test-results" / "e2e"
TASK = "全面推进村级党组织标准化建设"


def decomposition_file(deadline) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(list(HEADERS))
    ws.append(
        [
            "1",
            TASK,
            None,
            "年底前全部达标",
            "王部长",
            "组织科",
            "李科长",
            deadline,
            "每周",
            "重要",
            "2026年全县组织工作要点第3条",
        ]
    )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.fixture
def people(app, factory: Factory):
    tenant_id = factory.tenant("county", name="临安县委组织部", plugins=["supervision"])
    with app.app_context():
        with tenant_scope(tenant_id):
            db.session.add(OrgUnit(name="组织科", kind="section"))
        db.session.commit()
    factory.user("county", "officer", roles=["supervisor"], display_name="督查员")
    factory.user("county", "leader", roles=["supervisor"], display_name="王部长")
    factory.user("county", "owner", roles=["task_owner"], display_name="李科长")
    yield
    clock.set_offset(timedelta(0))


def _session(browser, live_server: str, username: str) -> Page:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server}/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_load_state()
    return page


def test_import_acknowledge_report_overdue_urge_close_and_rate(
    app, people, live_server, browser, request
):
    shots = RESULTS / f"supervision-{request.node.callspec.id}"
    shots.mkdir(parents=True, exist_ok=True)
    base = f"{live_server}/t/county/supervision"
    deadline = clock.today() + timedelta(days=10)

    # The supervisor imports the decomposition.
    officer = _session(browser, live_server, "officer")
    officer.goto(f"{base}/import")
    officer.locator("#f-file").set_input_files(
        {
            "name": "2026年工作要点分解.xlsx",
            "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "buffer": decomposition_file(deadline),
        }
    )
    officer.get_by_role("button", name="校验并导入").click()
    expect(officer.locator(".alert-success, .alert")).to_contain_text("已导入 1 项督办事项")
    row = officer.locator("#board tbody tr", has_text=TASK)
    expect(row).to_have_attribute("data-light", re.compile("green|yellow"))
    officer.screenshot(path=str(shots / "1-board-after-import.png"), full_page=True)
    row.get_by_role("link", name=TASK).click()
    item_url = officer.url

    # The responsible person acknowledges and reports progress.
    owner = _session(browser, live_server, "owner")
    owner.goto(item_url)
    owner.locator("form[data-action=acknowledge] button").click()
    expect(owner.locator("#item-state")).to_have_attribute("data-state", "acknowledged")
    report = owner.locator("form[data-action=report]")
    report.locator("textarea[name=text]").fill("已完成摸底调研，制定整改方案")
    report.locator("input[name=percent]").fill("40")
    report.locator("button").click()
    expect(owner.locator("#item-percent")).to_have_text("40%")
    expect(owner.locator("#reports")).to_contain_text("已完成摸底调研")
    owner.screenshot(path=str(shots / "2-progress-reported.png"), full_page=True)

    # The deadline passes: the board turns red.
    clock.set_offset(timedelta(days=12))
    officer.goto(f"{base}/")
    expect(officer.locator("#board tbody tr", has_text=TASK)).to_have_attribute("data-light", "red")
    expect(officer.locator("[data-count=red]")).to_have_text("1")
    officer.screenshot(path=str(shots / "3-board-red.png"), full_page=True)

    # The responsible leader urges it; the person sees it in the to-do list.
    leader = _session(browser, live_server, "leader")
    leader.goto(item_url)
    urge = leader.locator("form[data-action=remind]")
    urge.locator("input[name=message]").fill("请于本周五前完成并报送")
    urge.locator("button").click()
    expect(leader.locator("#reminders")).to_contain_text("请于本周五前完成并报送")
    owner.goto(f"{live_server}/t/county/todo")
    expect(owner.locator("body")).to_contain_text("请于本周五前完成并报送")
    owner.screenshot(path=str(shots / "4-todo.png"), full_page=True)

    # The person asks for completion; the supervisor verifies and rates it 优.
    owner.goto(item_url)
    owner.locator("form[data-action=request_completion] button").click()
    confirm(owner, "确定申请办结")
    expect(owner.locator("#item-state")).to_have_attribute("data-state", "completion_requested")
    officer.goto(item_url)
    officer.locator("form[data-action=verify] button").click()
    confirm(officer, "确定办结")
    expect(officer.locator("#item-state")).to_have_attribute("data-state", "closed")
    rate = officer.locator("form[data-action=rate]")
    rate.locator("select[name=rating]").select_option("excellent")
    rate.locator("button").click()
    confirm(officer, "评价提交后不能修改")
    expect(officer.locator("#item-state")).to_have_attribute("data-state", "rated")
    expect(officer.locator("#item-rating")).to_have_text("优")
    officer.screenshot(path=str(shots / "5-closed-and-rated.png"), full_page=True)
