"""Information reporting in Chromium, through the forms, up the tree and back down.

A county's 信息员 (who also approves: 分管领导) writes an item, watching the 字数 count
as the text grows, and sends it up; the city's 信息科 returns it with a comment; the
county revises and resubmits; the city sees the differences, adopts it, puts it into an
issue of its bulletin, publishes the issue and forwards the item; the province adopts it
and records its leader's instruction; the county finds the whole chain on the item page,
reads the published issue, and sees its score once the city ranks its children.

Each user has a browser context of their own. Pages are screenshotted into
``test-results/e2e/reporting-<database>/`` at 1366 px, and the main ones at 390 px.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.dialogs import confirm
from tests.factories import PASSWORD, Factory

RESULTS = Path(__file__).resolve().parents[2] / "test-results" / "e2e"
TITLE = "我县“党员积分制”管理激发队伍活力"
PLUGINS = ["reporting"]


@pytest.fixture
def people(factory: Factory):
    factory.tenant("province", name="示范省委组织部", kind="province_org_dept", plugins=PLUGINS)
    factory.tenant(
        "city", name="示范市委组织部", parent="province", kind="city_org_dept", plugins=PLUGINS
    )
    factory.tenant("county", name="示范B县委组织部", parent="city", plugins=PLUGINS)
    factory.user("county", "writer", roles=["info_leader"], display_name="B县信息员")
    factory.user("city", "editor", roles=["info_leader"], display_name="市信息科编辑")
    factory.user("province", "province", roles=["info_leader"], display_name="省信息科编辑")


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


def _shot(page: Page, shots: Path, name: str, narrow: bool = False) -> None:
    page.screenshot(path=str(shots / f"{name}-1366.png"), full_page=True)
    if narrow:
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=str(shots / f"{name}-390.png"), full_page=True)
        page.set_viewport_size({"width": 1366, "height": 900})


def _move(page: Page, name: str, comment: str | None = None) -> None:
    form = page.locator(f"form[data-move={name}]")
    if comment is not None:
        form.locator("input[name=comment]").fill(comment)
    form.locator("button").click()
    page.wait_for_load_state()


def test_write_return_revise_adopt_publish_forward_instruct_and_score(
    app, people, live_server, browser, request
):
    shots = RESULTS / f"reporting-{request.node.callspec.id}"
    shots.mkdir(parents=True, exist_ok=True)
    county_base, city_base = f"{live_server}/t/county/reporting", f"{live_server}/t/city/reporting"

    # The county writes the item; the character count follows the typing.
    county = _session(browser, live_server, "writer")
    county.goto(f"{county_base}/")
    county.locator("#new-item").click()
    county.locator("#f-title").fill(TITLE)
    county.locator("#f-body").fill("今年以来，我县推行党员积分制管理。\n\n积分结果与评先评优挂钩。")
    expect(county.locator("#body-count")).to_have_text("29")
    county.locator("#f-category").select_option("practice")
    county.locator("#f-pen_name").fill("张明")
    county.locator("#f-pen_phone").fill("0571-88880000")
    _shot(county, shots, "1-item-form", narrow=True)
    county.locator("#save-item").click()
    expect(county.locator("#item-state")).to_have_attribute("data-state", "draft")
    item_url = county.url
    _move(county, "send_for_approval")
    _move(county, "approve")
    expect(county.locator("#item-state")).to_have_attribute("data-state", "submitted")

    # The city finds it in its inbox and returns it with a comment.
    city = _session(browser, live_server, "editor")
    city.goto(f"{city_base}/inbox")
    expect(city.locator("#inbox")).to_contain_text("示范B县委组织部")
    _shot(city, shots, "2-inbox", narrow=True)
    city.locator("#inbox").get_by_role("link", name=TITLE).click()
    _move(city, "return", "请补充参与党员人数等具体数据。")
    expect(city.locator("#submission-state")).to_have_attribute("data-state", "returned")

    # The county revises and resubmits.
    county.goto(item_url)
    expect(county.locator("#item-state")).to_have_attribute("data-state", "returned")
    expect(county.locator("#remarks")).to_contain_text("请补充参与党员人数")
    county.locator("#edit-item").click()
    county.locator("#f-body").fill(
        "今年以来，我县推行党员积分制管理，全县1200名党员参与。\n\n积分结果与评先评优挂钩。"
    )
    county.locator("#save-item").click()
    _move(county, "send_for_approval")
    _move(county, "approve")

    # The city sees what changed, adopts, composes and publishes an issue, forwards it.
    city.goto(city.url)
    expect(city.locator("#diff-2 ins")).to_contain_text("1200")
    _move(city, "adopt")
    city.goto(f"{city_base}/issues")
    city.locator("#bulletin-form input[name=title]").fill("示范组工信息")
    city.locator("#bulletin-form button").click()
    city.locator("#bulletins button").first.click()
    expect(city.locator("#issue-state")).to_have_attribute("data-state", "draft")
    issue_url = city.url
    city.goto(item_url.replace("/t/county/", "/t/city/"))
    city.locator("#into-issue").click()
    city.goto(issue_url)
    entry = city.locator("[data-entry]").first
    entry.locator("summary").click()
    entry.locator("textarea[name=editor_note]").fill("此做法值得各地借鉴。")
    entry.locator("input[name=edited_title]").fill("积分制管理激发党员队伍活力")
    with city.expect_navigation():  # the saved entry's page, before publishing from it
        entry.get_by_role("button", name="保存本篇").click()
    city.locator("#publish-issue").click()
    confirm(city, "不能再修改")
    expect(city.locator("#issue-state")).to_have_attribute("data-state", "published")
    _shot(city, shots, "3-issue", narrow=True)
    city.goto(item_url.replace("/t/county/", "/t/city/"))
    _move(city, "forward")
    expect(city.locator("#submission-state")).to_have_attribute("data-state", "forwarded")

    # The province adopts it and records its leader's instruction.
    province = _session(browser, live_server, "province")
    province.goto(f"{live_server}/t/province/reporting/inbox")
    province.locator("#inbox").get_by_role("link", name=TITLE).click()
    _move(province, "adopt")
    form = province.locator("#instruction-form")
    form.locator("input[name=leader_name]").fill("王省长")
    form.locator("select[name=leader_level]").select_option("province")
    form.locator("textarea[name=text]").fill("经验很好，请总结推广。")
    form.locator("button").click()
    expect(province.locator("#instructions")).to_contain_text("王省长")

    # The county sees the whole chain, the published issue, and — once ranked — its score.
    county.goto(item_url)
    expect(county.locator("#item-state")).to_have_attribute("data-state", "adopted")
    expect(county.locator('#chain tr[data-level="1"]')).to_have_attribute("data-state", "forwarded")
    expect(county.locator('#chain tr[data-level="2"]')).to_have_attribute("data-state", "adopted")
    expect(county.locator("#chain")).to_contain_text("《示范组工信息》")
    expect(county.locator("#instructions")).to_contain_text("经验很好，请总结推广。")
    _shot(county, shots, "4-item-chain", narrow=True)
    county.goto(issue_url.replace("/t/city/", "/t/county/"))
    expect(county.locator("body")).to_contain_text("此做法值得各地借鉴。")

    city.goto(f"{city_base}/ranking")
    expect(city.locator("#ranking tbody tr").first).to_contain_text("示范B县委组织部")
    expect(city.locator("#chart-scores canvas")).to_have_count(1)
    _shot(city, shots, "5-ranking", narrow=True)
    city.locator("#publish-ranking").click()
    confirm(city, "积分将冻结")
    county.goto(f"{county_base}/rankings")
    county.locator("#rankings a").first.click()
    expect(county.locator("#my-score [data-rank]")).to_have_text("1")
    score = county.locator("#my-score [data-score]").inner_text()
    assert int(score) > 0
    _shot(county, shots, "6-my-score", narrow=True)
    county.goto(f"{live_server}/t/county/")
    expect(county.locator("[data-count=rank]")).to_have_text("1")
