"""Every page form of core in Chromium, filled as a person fills it (selects by their
visible label, dates typed, boxes ticked by their label), once with one bad field —
the other values kept, the error beside the field — and then right, with the saved
record checked in the database.

The forms: 新建组织 (org unit), 登记党员 (member), 添加用户 (admin), 角色权限 (admin),
本单位设置 (admin), 修改密码, and an invitation accepted by a user of another tenant.
Screenshots at 1366 and 390 px go to /tmp/shots-shell/.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from core.auth.models import Membership, Role, User
from core.db import db
from core.orgs.models import Member, OrgUnit
from core.plugins.settings import resolved_settings
from core.tenancy.models import Tenant
from core.tenancy.scope import tenant_scope
from tests.e2e.test_core_flow import resident_id
from tests.factories import PASSWORD, Factory

SHOTS = Path("/tmp/shots-shell")
NEW_PASSWORD = "Qingshan-Zugong-2026"


@pytest.fixture
def county(app, factory: Factory) -> int:
    tenant_id = factory.tenant("county", name="临安县委组织部", plugins=["supervision"])
    factory.tenant("town", name="青山镇党委")
    with app.app_context(), tenant_scope(tenant_id):
        db.session.add(OrgUnit(name="临安县委", kind="committee", code="C1"))
        db.session.commit()
    factory.user("county", "admin", roles=["admin"], display_name="县管理员")
    factory.user("town", "townie", roles=["staff"], display_name="镇干部")
    return tenant_id


def _session(browser, live_server: str, username: str, width: int = 1366) -> Page:
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server}/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_load_state()
    return page


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"core-{name}.png"), full_page=True)


def _in(app, tenant_id: int, statement):
    with app.app_context(), tenant_scope(tenant_id):
        return db.session.execute(statement).one()


def test_org_unit_and_member_forms(app, county, live_server, browser):
    page = _session(browser, live_server, "admin")
    base = f"{live_server}/t/county/orgs"
    page.goto(f"{base}/units/new")
    page.get_by_label("类别").select_option(label="党支部")
    page.get_by_label("上级组织").select_option(label="临安县委")
    page.get_by_label("编码").fill("B-QS")
    page.get_by_label("排序").fill("3")
    page.get_by_label("备注").fill("2026年新设")
    page.get_by_role("button", name="保存").click()  # the one bad field: no name
    expect(page.locator('[data-error-for="name"]')).to_be_visible()
    expect(page.get_by_label("编码")).to_have_value("B-QS")
    expect(page.get_by_label("备注")).to_have_value("2026年新设")
    page.get_by_label("名称").fill("青山村党支部")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#unit-tree")).to_contain_text("青山村党支部")
    unit = _in(app, county, select(OrgUnit).where(OrgUnit.name == "青山村党支部"))[0]
    assert (unit.kind, unit.code, unit.sort_order, unit.notes) == (
        "branch",
        "B-QS",
        3,
        "2026年新设",
    )

    number = resident_id("330122", date(1985, 6, 15), 123)
    page.goto(f"{base}/members/new")
    page.get_by_label("姓名").fill("王建国")
    page.get_by_label("性别").select_option(label="男")
    page.get_by_label("公民身份号码").fill(number[:-1] + ("0" if number[-1] != "0" else "1"))
    page.get_by_label("入党日期").fill("2010-07-01")
    page.get_by_label("党员类别").select_option(label="正式党员")
    page.get_by_label("所属党组织").select_option(label="　青山村党支部")
    page.get_by_label("联系电话").fill("13912345678")
    page.get_by_label("流动党员").check()
    page.get_by_label("备注").fill("外出务工")
    page.get_by_role("button", name="保存").click()
    expect(page.locator('[data-error-for="id_number"]')).to_be_visible()
    expect(page.get_by_label("联系电话")).to_have_value("13912345678")
    expect(page.get_by_label("流动党员")).to_be_checked()
    _shot(page, "member-error-1366")
    page.get_by_label("公民身份号码").fill(number)
    page.get_by_role("button", name="保存").click()
    expect(page.locator("body")).to_contain_text("王建国")
    member = _in(app, county, select(Member).where(Member.name == "王建国"))[0]
    assert (member.id_number, member.joined_on, member.phone) == (
        number,
        date(2010, 7, 1),
        "13912345678",
    )
    assert (member.branch_id, member.is_floating, member.notes) == (unit.id, True, "外出务工")


def test_admin_forms_password_and_invitation(app, county, live_server, browser):
    page = _session(browser, live_server, "admin")
    admin = f"{live_server}/t/county/admin"
    # 添加用户: a password too short first.
    page.goto(f"{admin}/users")
    form = page.locator("#add-user")
    form.get_by_label("用户名").fill("li.keyuan")
    form.get_by_label("姓名").fill("李科员")
    form.get_by_label("初始密码").fill("short")
    form.get_by_label("职务").fill("组织科科员")
    form.get_by_label("工作人员").check()
    form.get_by_role("button", name="添加").click()
    form = page.locator("#add-user")
    expect(form.locator(".invalid-feedback")).to_contain_text("密码至少需要")
    expect(form.get_by_label("姓名")).to_have_value("李科员")
    expect(form.get_by_label("工作人员")).to_be_checked()
    form.get_by_label("初始密码").fill("Lianxi-Keyuan-2026")
    form.get_by_role("button", name="添加").click()
    expect(page.locator("body")).to_contain_text("李科员")
    user_id = _in(app, county, select(User.id).where(User.username == "li.keyuan"))[0]
    membership = _in(app, county, select(Membership).where(Membership.user_id == user_id))[0]
    assert membership.title == "组织科科员"

    # 角色权限: the staff role also views the audit log.
    page.goto(f"{admin}/roles")
    page.locator("[data-role=staff] a").first.click()
    page.get_by_label("查看审计日志").check()
    page.get_by_role("button", name="保存").click()
    role = _in(app, county, select(Role).where(Role.key == "staff"))[0]
    assert "core.view_audit" in role.permissions

    # 本单位设置: a bad number first, then a good one.
    page.goto(f"{admin}/settings")
    page.get_by_label("临期预警天数（黄灯）").fill("99")  # above its maximum of 30
    page.get_by_label("文书落款单位全称").fill("中共临安县委组织部")
    page.locator("form", has=page.get_by_label("临期预警天数（黄灯）")).get_by_role(
        "button", name="保存"
    ).click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    expect(page.get_by_label("文书落款单位全称")).to_have_value("中共临安县委组织部")
    page.get_by_label("临期预警天数（黄灯）").fill("5")
    page.locator("form", has=page.get_by_label("临期预警天数（黄灯）")).get_by_role(
        "button", name="保存"
    ).click()
    with app.app_context():
        tenant = db.session.get(Tenant, county)
        with tenant_scope(county):
            settings = resolved_settings(tenant, "core")
    assert (settings["warning_days"], settings["unit_full_name"]) == (5, "中共临安县委组织部")
    _shot(page, "settings-1366")

    # An existing user of another tenant is invited, and accepts.
    page.goto(f"{admin}/users")
    form = page.locator("#add-user")
    form.get_by_label("用户名").fill("townie")
    form.get_by_label("工作人员").check()
    form.get_by_role("button", name="添加").click()
    townie = _session(browser, live_server, "townie")
    townie.goto(f"{live_server}/invitations")
    expect(townie.locator("#invitation-list")).to_contain_text("角色：工作人员")
    _shot(townie, "invitation-1366")
    townie.get_by_role("button", name="接受").click()
    townie_id = _in(app, county, select(User.id).where(User.username == "townie"))[0]
    assert _in(app, county, select(Membership.id).where(Membership.user_id == townie_id))

    # 修改密码: the two new ones differ first; then the change, and the new login.
    townie.goto(f"{live_server}/account/password")
    townie.get_by_label("当前密码").fill(PASSWORD)
    townie.get_by_label(re.compile("^新密码")).fill(NEW_PASSWORD)
    townie.get_by_label("再次输入新密码").fill(NEW_PASSWORD + "!")
    townie.locator("#save-password").click()
    expect(townie.locator('[data-error-for="new_password_again"]')).to_contain_text("不一致")
    townie.get_by_label("当前密码").fill(PASSWORD)
    townie.get_by_label(re.compile("^新密码")).fill(NEW_PASSWORD)
    townie.get_by_label("再次输入新密码").fill(NEW_PASSWORD)
    townie.locator("#save-password").click()
    expect(townie.locator(".alert-success")).to_contain_text("密码已修改")
    with app.app_context():
        user = db.session.get(User, townie_id)
        assert user.check_password(NEW_PASSWORD)
    phone = _session(browser, live_server, "admin", width=390)
    phone.goto(f"{live_server}/account/password")
    _shot(phone, "password-390")
    phone.goto(f"{live_server}/t/county/search?q=青山")
    _shot(phone, "search-390")
