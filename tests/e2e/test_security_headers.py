"""Every main page works under the app's Content-Security-Policy: no inline script or
handler is refused, no console error, the charts still draw and confirmations still ask.

An administrator of a county with every plugin enabled logs in, opens the dashboard,
every navigation item and every admin tab, the petition register and statistics pages,
and the invitations page; a listener records each ``securitypolicyviolation``.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.dialogs import cancel
from tests.factories import PASSWORD, Factory

PLUGINS = ("petitions", "supervision", "assistance", "reporting")
ROLES = ["admin", "petition_leader", "supervisor", "assistance_leader", "info_leader"]

LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline") +
    " " + (e.sourceFile || "") + ":" + e.lineNumber);
});
"""


@pytest.fixture
def county(app, factory: Factory) -> str:
    factory.tenant("county", name="临安县委组织部", plugins=PLUGINS)
    factory.user("county", "chief", roles=ROLES, display_name="李部长")
    return "county"


def _visit(page: Page, url: str, problems: list[str]) -> None:
    response = page.goto(url)
    assert response is not None and response.status < 400, (url, response and response.status)
    csp = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("style-src")[0]
    assert response.headers.get("x-frame-options") == "DENY"
    page.wait_for_load_state("load")
    problems.extend(f"{url}: {v}" for v in page.evaluate("window.__violations"))


def test_main_pages_run_under_the_csp_without_violations_or_errors(
    app, county, live_server, page: Page
):
    console: list[str] = []
    page.on("console", lambda m: m.type == "error" and console.append(m.text))
    page.on("pageerror", lambda exc: console.append(str(exc)))
    page.add_init_script(LISTEN)
    problems: list[str] = []

    _visit(page, f"{live_server}/login", problems)
    page.fill("#username", "chief")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{live_server}/t/county/")

    _visit(page, f"{live_server}/t/county/", problems)
    # The dashboard's charts are drawn by static/js/zugong.js from data- attributes/JSON.
    expect(page.locator("#petition-statistics-chart canvas")).to_have_count(1)
    expect(page.locator("#supervision-chart canvas")).to_have_count(1)

    links = page.locator("nav a.nav-link[data-endpoint]").evaluate_all(
        "els => els.map(e => e.href)"
    )
    _visit(page, f"{live_server}/t/county/admin/", problems)
    tabs = page.locator("#admin-tabs a").evaluate_all("els => els.map(e => e.href)")
    pages = dict.fromkeys([*links, *tabs, f"{live_server}/invitations"])
    assert len(pages) >= 8, pages
    for url in pages:
        _visit(page, url, problems)

    _visit(page, f"{live_server}/t/county/petitions/statistics", problems)
    expect(page.locator("#chart-month canvas")).to_have_count(1)

    # A confirmation still asks (data-confirm, not onsubmit=): dismissing keeps the page.
    _visit(page, f"{live_server}/t/county/admin/plugins", problems)
    page.locator("form[data-confirm] button[type=submit]").first.click()
    cancel(page, "确定")
    expect(page).to_have_url(f"{live_server}/t/county/admin/plugins")

    assert problems == []
    assert console == []
