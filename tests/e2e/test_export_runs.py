"""A large export in Chromium: the clerk clicks 导出台账 Excel on the petitions list, is
taken to the progress page (the embedded thread pool makes the file while the page
polls) and downloads the file, which holds every petition."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect
from werkzeug.serving import make_server

from tests.core.exportruns.helpers import county
from tests.core.jobs.conftest import make_app as make_app  # noqa: F401 - fixture
from tests.factories import PASSWORD

ROWS = 6


@pytest.fixture
def threaded(app, make_app, monkeypatch):  # noqa: F811 - the fixture imported above
    """The app with jobs on the embedded thread pool (not inline): the progress page
    really waits for the job."""
    threaded = make_app(app, JOBS_INLINE=False)
    monkeypatch.setitem(threaded.config, "EXPORT_DIRECT_ROWS", 2)
    return threaded


@pytest.fixture
def server(threaded) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, threaded, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


def test_a_large_export_shows_progress_and_downloads(threaded, server, browser, tmp_path):
    county(threaded, rows=ROWS)
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 1366, "height": 900}, accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{server}/login")
    page.get_by_label("用户名").fill("clerk")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_load_state()
    page.goto(f"{server}/t/county/petitions")

    page.locator("#export-link").click()
    page.wait_for_url("**/t/county/exports/*")
    expect(page.get_by_role("heading", name="信访台账")).to_be_visible()
    expect(page.locator("#export-progress")).to_have_attribute("data-state", "done")
    expect(page.locator("#export-rows")).to_contain_text(f"{ROWS} / {ROWS}")
    with page.expect_download() as info:
        page.locator("#export-download").click()
    download = info.value
    assert download.suggested_filename.startswith(
        "信访台账_"
    ) and download.suggested_filename.endswith(".xlsx")
    target = tmp_path / "ledger.xlsx"
    download.save_as(target)
    rows = list(load_workbook(target, read_only=True).active.iter_rows(values_only=True))
    assert rows[1][0] == "编号" and len(rows) == ROWS + 2
    context.close()
