"""下级单位管理 in Chromium (issue 13: every page form through the browser): the city's
admin opens county B from the tree, enables 信访 for it, ticks 信访专干 for a county user
in the role grid that follows, and sets one of county B's own settings; each saved
change is read back from the database."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from core.auth.models import Membership
from core.db import db
from core.plugins.manager import enabled_plugins
from core.plugins.settings import own_settings
from core.tenancy.models import Tenant
from core.tenancy.scope import tenant_scope
from tests.core.rollup.world import TODAY, build
from tests.e2e.test_rounds_flow import _login


def test_enable_grant_and_set_for_a_county_from_the_tree(
    app, factory, set_today, live_server, page
):
    set_today(TODAY)
    ids = build(app, factory)
    factory.user("city", "city_admin")
    factory.user("county-b", "county_b_clerk", roles=["staff"], display_name="B县干事")

    _login(page, live_server, "city_admin")
    page.goto(f"{live_server}/t/city/subtree/")
    page.locator("[data-tenant=county-b] > a").click()
    row = page.locator("#subtree-plugins tr[data-plugin=petitions]")
    if row.get_attribute("data-enabled") == "1":  # the world enables it: off, then on
        row.get_by_role("button", name="停用").click()
        page.wait_for_load_state()
    page.locator("#subtree-plugins tr[data-plugin=petitions]").get_by_role(
        "button", name="启用"
    ).click()
    grid = page.locator("#grant")
    expect(grid).to_be_visible()
    grid.get_by_label("B县干事 信访专干").check()
    grid.get_by_role("button", name="授予所选角色").click()
    expect(page.locator("body")).to_contain_text("已为 1 名用户授予角色。")

    form = page.locator("#settings-core")
    form.get_by_label("临期预警天数（黄灯）").fill("5")
    form.get_by_role("button", name="保存").click()
    page.wait_for_load_state()

    with app.app_context():
        county = db.session.get(Tenant, ids["county-b"])
        with tenant_scope(county.id):
            assert "petitions" in enabled_plugins(county)
            clerk = db.session.scalar(
                select(Membership)
                .join(Membership.user)
                .where(Membership.user.has(username="county_b_clerk"))
            )
            assert sorted(r.key for r in clerk.roles) == ["petition_clerk", "staff"]
            assert own_settings(county, "core")["warning_days"] == 5
