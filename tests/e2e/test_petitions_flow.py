"""Petitions in Chromium, the way a county department handles a letter.

The clerk registers a letter and gives the petitioner a query code, accepts the petition
and names the handler; the handler drafts the outcome; the leader approves it and closes
the petition with the written reply; the petitioner looks it up on the public portal
with the serial and the code, reads the reply and rates it — once.

Each user has a browser context of their own. Pages are screenshotted into
``test-results/e2e/petitions-<database>/``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from core import clock
from core.db import db
from core.plugins.enablement import update_settings
from core.tenancy.models import Tenant
from tests.e2e.dialogs import confirm
from tests.factories import PASSWORD, Factory

RESULTS = Path(__file__).resolve().parents[2] / "test-results" / "e2e"
SUMMARY = "反映退休干部生活补贴未按规定调整"
REPLY = "经核查，补贴已于本月按新标准补发，差额一并发放。"


@pytest.fixture
def people(app, factory: Factory):
    factory.tenant("county", name="临安县委组织部", plugins=["petitions"])
    with app.app_context():
        tenant = db.session.scalar(select(Tenant).where(Tenant.slug == "county"))
        update_settings(tenant, "petitions", {"portal_enabled": True})
        db.session.commit()
    factory.user("county", "clerk", roles=["petition_clerk"], display_name="张专干")
    factory.user("county", "handler", roles=["petition_clerk"], display_name="李干事")
    factory.user("county", "leader", roles=["petition_leader"], display_name="王部长")


def _session(browser, live_server: str, username: str | None = None) -> Page:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    if username:
        page.goto(f"{live_server}/login")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录", exact=True).click()
        page.wait_for_load_state()
    return page


def _move(page: Page, name: str, **fields: str) -> None:
    """Fill the move's form on the detail page (shown open, under its title) and submit it."""
    expect(page.locator(f"#move-{name}-title")).to_be_visible()
    form = page.locator(f"form[data-transition={name}]")
    for field, value in fields.items():
        control = form.locator(f"[name={field}]")
        if control.evaluate("e => e.tagName") == "SELECT":
            control.select_option(value)
        else:
            control.fill(value)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def test_register_accept_draft_approve_close_then_look_up_and_rate_on_the_portal(
    app, people, live_server, browser, request
):
    shots = RESULTS / f"petitions-{request.node.callspec.id}"
    shots.mkdir(parents=True, exist_ok=True)
    base = f"{live_server}/t/county/petitions"

    # The clerk registers the letter.
    clerk = _session(browser, live_server, "clerk")
    clerk.goto(f"{base}/new")
    clerk.locator("[name=received_on]").fill(clock.today().isoformat())
    clerk.locator("select[name=channel]").select_option("letter")
    clerk.locator("select[name=kind]").select_option("request")
    clerk.locator("[name=summary]").fill(SUMMARY)
    clerk.locator("[name=petitioners-0-name]").fill("王振华")
    clerk.locator("[name=petitioners-0-phone]").fill("13900000001")
    clerk.locator("#register-submit").click()
    expect(clerk.locator("#petition-summary")).to_have_text(SUMMARY)
    expect(clerk.locator("#petition-state")).to_have_attribute("data-state", "registered")
    detail_url = clerk.url
    serial = clerk.locator("h1").first.inner_text().split()[0]

    # ... gives the petitioner a query code (shown once) ...
    clerk.locator("[data-action=query_code]").click()
    confirm(clerk, "原查询码即作废")
    code = clerk.locator("#issued-code").inner_text()
    assert clerk.locator("#issued-serial").inner_text() == serial
    clerk.screenshot(path=str(shots / "1-query-code.png"), full_page=True)

    # ... accepts it and names the handler.
    clerk.goto(detail_url)
    _move(clerk, "accept", comment="属本部门职责范围")
    expect(clerk.locator("#petition-state")).to_have_attribute("data-state", "accepted")
    _move(clerk, "assign_handler", handler_user_id="李干事")
    expect(clerk.locator("#petition-handler")).to_have_text("李干事")
    clerk.screenshot(path=str(shots / "2-accepted.png"), full_page=True)

    # The handler drafts the outcome.
    handler = _session(browser, live_server, "handler")
    handler.goto(detail_url)
    _move(handler, "draft", outcome="support", basis="经核实，生活补贴应自 2025 年起按新标准调整。")
    expect(handler.locator("#petition-state")).to_have_attribute("data-state", "draft_outcome")

    # The leader approves it and closes the petition with the written reply.
    leader = _session(browser, live_server, "leader")
    leader.goto(detail_url)
    _move(leader, "approve")
    expect(leader.locator("#petition-state")).to_have_attribute("data-state", "approved")
    _move(leader, "close", reply_text=REPLY)
    expect(leader.locator("#petition-state")).to_have_attribute("data-state", "closed")
    expect(leader.locator("#timeline")).to_contain_text("办结答复")
    leader.screenshot(path=str(shots / "3-closed.png"), full_page=True)

    # The petitioner looks it up on the portal with the serial and the code, and rates it.
    public = _session(browser, live_server)
    public.goto(f"{live_server}/p/county/lookup")
    public.locator("#f-serial").fill(serial)
    public.locator("#f-code").fill(code)
    public.locator("#lookup-submit").click()
    expect(public.locator("#status-state")).to_have_attribute("data-state", "closed")
    expect(public.locator("#status-reply")).to_have_text(REPLY)
    public.locator("#s-satisfied").check()
    public.locator("#rate-submit").click()
    expect(public.locator("#rated")).to_be_visible()
    expect(public.locator("#rate-form")).to_have_count(0)  # once only
    public.screenshot(path=str(shots / "4-portal-rated.png"), full_page=True)

    leader.goto(detail_url)
    expect(leader.locator("#petition-state")).to_have_attribute("data-state", "rated")
