"""The core platform in Chromium, the way a county organization department clerk uses it.

One person who works for two tenants logs in, picks a tenant, switches to the other with
the top bar's switcher (the enabled modules change with it), sets up a Party branch and
registers a member through the pages (a mistyped ID number first: the field error is
shown and nothing is saved), finds the member in the list with the ID number masked,
sees the registration in the audit log, and switches the interface to English.

Every page is screenshotted into ``test-results/e2e/core-flow-<database>/`` for a person
to look at. Console errors, uncaught script errors, failed requests and 4xx/5xx answers for anything
but the one deliberately bad form are collected and must be none.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from flask import Flask
from playwright.sync_api import Page, Response, expect
from sqlalchemy import func, select

from core.db import db
from core.orgs.models import Member
from core.tenancy.models import Tenant
from core.tenancy.scope import tenant_scope
from tests.factories import PASSWORD, Factory

RESULTS = Path(__file__).resolve().parents[2] / "test-results" / "e2e"

USERNAME = "zhang.zugong"
DISPLAY_NAME = "张组工"
# (slug, name, kind, enabled plugins)
COUNTY = ("county", "临安县委组织部", "county_org_dept", ("petitions", "assistance"))
TOWN = ("town", "青山镇党委", "township_committee", ("assistance",))
BRANCH = "青山村党支部"
MEMBER_NAME = "王建国"
BIRTH = date(1985, 6, 15)

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def resident_id(region: str, born: date, sequence: int) -> str:
    """A GB 11643-1999 number, computed here rather than by the code under test:
    ISO 7064 MOD 11-2 over the first 17 digits, 10 written as X."""
    first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


# Sequence 123 is odd: a man.
ID_NUMBER = resident_id("330122", BIRTH, 123)
BAD_CHECK = "0" if ID_NUMBER[-1] != "0" else "1"
BAD_ID_NUMBER = ID_NUMBER[:-1] + BAD_CHECK  # one wrong check character
MASKED = ID_NUMBER[:3] + "*" * 11 + ID_NUMBER[-4:]


@dataclass
class Watch:
    """What went wrong in the browser while the test was not looking."""

    console: list[tuple[str, str]] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    bad_responses: list[tuple[str, int, str]] = field(default_factory=list)

    def attach(self, page: Page) -> None:
        page.on(
            "console",
            lambda m: m.type == "error" and self.console.append((m.text, m.location["url"])),
        )
        page.on("pageerror", lambda exc: self.page_errors.append(str(exc)))
        page.on(
            "requestfailed",
            lambda r: self.failed.append(f"{r.method} {r.url}: {r.failure}"),
        )
        page.on("response", self._response)

    def _response(self, response: Response) -> None:
        if response.status >= 400:
            self.bad_responses.append((response.request.method, response.status, response.url))


class Camera:
    """Numbered full-page screenshots, so the files sort in the order of the visit."""

    def __init__(self, page: Page, folder: Path) -> None:
        self.page, self.folder, self.count = page, folder, 0
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)

    def shot(self, name: str) -> None:
        self.count += 1
        self.page.screenshot(path=self.folder / f"{self.count:02d}-{name}.png", full_page=True)


def _member_count(app: Flask, slug: str) -> int:
    with app.app_context():
        tenant_id = db.session.scalar(select(Tenant.id).where(Tenant.slug == slug))
        with tenant_scope(tenant_id):
            return db.session.scalar(select(func.count()).select_from(Member))


def _english(app: Flask) -> dict[str, str]:
    """The compiled English catalog (msgid → translation), or {} while there is none."""
    path = Path(app.root_path) / "translations" / "en" / "LC_MESSAGES" / "messages.mo"
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        catalog = read_mo(handle)
    return {m.id: m.string for m in catalog if m.id and isinstance(m.string, str) and m.string}


def _badges(page: Page) -> list[str]:
    return page.locator("#enabled-plugins [data-plugin]").evaluate_all(
        "els => els.map(e => e.dataset.plugin)"
    )


def _expect_plugins(page: Page, expected: tuple[str, ...]) -> None:
    badges = page.locator("#enabled-plugins [data-plugin]")
    expect(badges).to_have_count(len(expected))
    for name in expected:
        expect(badges.and_(page.locator(f'[data-plugin="{name}"]'))).to_have_count(1)
    assert sorted(_badges(page)) == sorted(expected)


def test_login_switch_tenant_register_member_audit_and_english(
    app: Flask, factory: Factory, live_server: str, page: Page, request: pytest.FixtureRequest
) -> None:
    county, town = COUNTY, TOWN
    factory.tenant(county[0], name=county[1], kind=county[2], plugins=county[3])
    factory.tenant(town[0], name=town[1], kind=town[2], parent=county[0], plugins=town[3])
    for slug in (county[0], town[0]):
        factory.user(slug, USERNAME, roles=["admin", "registrar"], display_name=DISPLAY_NAME)

    watch = Watch()
    watch.attach(page)
    test_id = re.sub(r"[^\w.-]+", "_", request.node.callspec.id)
    camera = Camera(page, RESULTS / f"core-flow-{test_id}")
    nav = page.locator("#main-nav")

    # -- log in; two tenants: the chooser ----------------------------------------------
    page.goto(f"{live_server}/login")
    expect(page.get_by_role("heading", name="登录组工平台")).to_be_visible()
    camera.shot("login")
    page.get_by_label("用户名").fill(USERNAME)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()

    expect(page.get_by_role("heading", name="选择单位")).to_be_visible()
    choices = page.locator("#tenant-list").get_by_role("link")
    expect(choices).to_have_text([county[1], town[1]])
    expect(page.locator("#current-user")).to_have_text(DISPLAY_NAME)
    camera.shot("choose-tenant")

    # -- the county's dashboard shows the county's modules ------------------------------
    choices.filter(has_text=county[1]).click()
    expect(page).to_have_url(f"{live_server}/t/{county[0]}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(county[1])
    _expect_plugins(page, county[3])
    camera.shot("dashboard-county")

    # -- the switcher: the town's dashboard, the town's modules only -------------------
    switcher = page.locator("#tenant-switcher")
    switcher.get_by_role("button").click()
    town_link = switcher.get_by_role("link", name=town[1])
    expect(town_link).to_be_visible()  # the Bootstrap dropdown opened: its JS works
    camera.shot("tenant-switcher-open")
    town_link.click()
    expect(page).to_have_url(f"{live_server}/t/{town[0]}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(town[1])
    expect(page.get_by_role("heading", level=1)).to_contain_text("乡镇党委")
    expect(switcher.get_by_role("button")).to_have_text(town[1])
    _expect_plugins(page, town[3])
    expect(page.locator('#enabled-plugins [data-plugin="petitions"]')).to_have_count(0)
    expect(page.locator("#registry-chart")).to_have_count(0)  # no members: no empty chart
    camera.shot("dashboard-town")

    # -- a Party branch through the org unit pages -------------------------------------
    nav.get_by_role("link", name="组织机构").click()
    expect(page.get_by_role("heading", name="组织机构")).to_be_visible()
    camera.shot("units-empty")
    page.get_by_role("link", name="新建组织").click()
    expect(page.get_by_role("heading", name="新建组织")).to_be_visible()
    page.get_by_label("名称").fill(BRANCH)
    page.get_by_label("类别").select_option(label="党支部")
    camera.shot("unit-form")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("alert")).to_contain_text(f"已新建组织“{BRANCH}”。")
    expect(page.locator("#unit-tree")).to_contain_text(BRANCH)
    camera.shot("units-with-branch")

    # -- register a member: a wrong check character first -------------------------------
    nav.get_by_role("link", name="党员信息").click()
    expect(page.get_by_role("heading", name="党员信息")).to_be_visible()
    camera.shot("members-empty")
    page.get_by_role("link", name="登记党员").click()
    expect(page.get_by_role("heading", name="登记党员")).to_be_visible()
    page.get_by_label("姓名").fill(MEMBER_NAME)
    page.get_by_label("性别").select_option(label="男")
    page.get_by_label("公民身份号码").fill(BAD_ID_NUMBER)
    page.get_by_label("出生日期").fill(BIRTH.isoformat())
    page.get_by_label("入党日期").fill("2010-07-01")
    page.get_by_label("所属党组织").select_option(label=BRANCH)
    camera.shot("member-form-filled")
    page.get_by_role("button", name="保存").click()

    expect(page.locator("#form-error-summary")).to_have_text("请检查标出的字段。")
    expect(page.locator('[data-error-for="id_number"]')).to_have_text(
        "公民身份号码校验位不正确，请逐位核对。"
    )
    expect(page.get_by_label("公民身份号码")).to_have_class(re.compile(r"\bis-invalid\b"))
    # What was typed stays in the form, so only the bad field needs retyping.
    expect(page.get_by_label("姓名")).to_have_value(MEMBER_NAME)
    expect(page.get_by_label("所属党组织")).to_have_value(re.compile(r"^\d+$"))
    camera.shot("member-form-error")
    assert _member_count(app, town[0]) == 0

    page.get_by_label("公民身份号码").fill(ID_NUMBER)
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("alert")).to_have_text(f"已登记党员 {MEMBER_NAME}。")
    expect(page.get_by_role("heading", level=1)).to_contain_text(MEMBER_NAME)
    expect(page.locator("#id-number")).to_have_text(MASKED)
    camera.shot("member-detail")
    assert _member_count(app, town[0]) == 1

    # The full number only on request (htmx posts with the CSRF header), and audited.
    page.get_by_role("button", name="显示完整号码").click()
    expect(page.locator('#id-number[data-revealed="1"]')).to_have_text(ID_NUMBER)
    expect(page.get_by_role("button", name="显示完整号码")).to_have_count(0)
    camera.shot("member-detail-revealed")

    # -- the list shows the member, the ID number masked --------------------------------
    nav.get_by_role("link", name="党员信息").click()
    row = page.locator("#member-list tbody tr").filter(has_text=MEMBER_NAME)
    expect(row).to_have_count(1)
    expect(row.locator("td.zg-masked")).to_have_text(MASKED)
    expect(row).to_contain_text(BRANCH)
    expect(row).to_contain_text(BIRTH.isoformat())
    assert ID_NUMBER not in page.content()
    camera.shot("members-list")

    # -- the audit log: the registration, by whom ---------------------------------------
    nav.get_by_role("link", name="审计日志").click()
    expect(page.get_by_role("heading", name="单位管理")).to_be_visible()
    created = page.locator("#audit tbody tr").filter(
        has=page.get_by_text("member.created", exact=True)
    )
    expect(created).to_have_count(1)
    expect(created.locator("td").nth(2)).to_have_text(DISPLAY_NAME)
    expect(created).to_contain_text(MASKED)
    viewed = page.locator("#audit tbody tr").filter(
        has=page.get_by_text("member.identity_viewed", exact=True)
    )
    expect(viewed).to_have_count(1)
    expect(viewed.locator("td").nth(2)).to_have_text(DISPLAY_NAME)
    assert ID_NUMBER not in page.content()
    camera.shot("audit-log")

    # -- English -------------------------------------------------------------------------
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(rf"/t/{town[0]}/admin/audit"))
    english = _english(app)
    for msgid in ("审计日志", "党员信息", "工作台"):
        if msgid in english:
            expect(nav.get_by_role("link", name=english[msgid], exact=True)).to_be_visible()
    if "退出" in english:
        expect(page.get_by_role("button", name=english["退出"], exact=True)).to_be_visible()
    camera.shot("audit-log-en")
    # Module names come from the plugins themselves, not the catalog.
    nav.locator('[data-endpoint="web.dashboard"]').click()
    # The admin holds no assistance role: the module is marked so (in English too).
    expect(page.locator('#enabled-plugins [data-plugin="assistance"]')).to_have_text(
        "Assistance (no role assigned)"
    )
    # The member registry widget draws its chart (ECharts) once there is a member.
    expect(page.locator("#registry-chart canvas")).to_have_count(1)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    camera.shot("dashboard-town-en")

    # -- nothing went wrong behind the scenes -------------------------------------------
    expected_bad = [("POST", 422, f"{live_server}/t/{town[0]}/orgs/members/new")]
    assert watch.bad_responses == expected_bad
    assert watch.failed == []
    assert watch.page_errors == []
    # Chromium logs the deliberate 422 as a failed resource load; nothing else may show.
    assert [url for text, url in watch.console] == [expected_bad[0][2]], watch.console
    assert "status of 422" in watch.console[0][0]
