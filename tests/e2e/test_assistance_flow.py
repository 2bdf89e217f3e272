"""The assistance plugin in Chromium, the way a county department's assistance officer
uses it: money comes into the fund, a member in hardship goes through the whole
identification (branch review, public notice for working days, committee approval,
filing), a Spring Festival campaign pays that member, a revolving loan is granted and
repaid (part, then early in full), and the fund statement shows where every yuan went.

Screenshots go to ``test-results/e2e/assistance-<database>/``. No answer may be a 5xx.
"""

from __future__ import annotations

import re
import shutil
from datetime import date, timedelta
from pathlib import Path

from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import select

from core import clock
from core.db import db
from core.orgs import id_numbers
from core.orgs.models import Member, OrgUnit
from core.tenancy.models import Tenant
from core.tenancy.scope import tenant_scope
from tests.factories import PASSWORD, Factory

RESULTS = Path(__file__).resolve().parents[2] / "test-results" / "e2e"
MEMBER = "王大山"


def _seed(app: Flask, factory: Factory) -> None:
    factory.tenant("city", name="杭州市委组织部", plugins=["assistance"])
    factory.tenant("county", name="临安县委组织部", parent="city", plugins=["assistance"])
    factory.user("county", "officer", roles=["admin", "assistance_leader"])
    with app.app_context():
        tenant = db.session.scalar(select(Tenant).where(Tenant.slug == "county"))
        with tenant_scope(tenant.id):
            branch = OrgUnit(name="青山村党支部", kind="branch")
            db.session.add(branch)
            db.session.flush()
            db.session.add(
                Member(
                    name=MEMBER,
                    gender="male",
                    birth_date=date(1950, 3, 1),
                    id_number=id_numbers.make("330122", date(1950, 3, 1), 13),
                    joined_on=date(1972, 7, 1),
                    branch_id=branch.id,
                )
            )
            db.session.commit()


def _act(page: Page, action: str, button: str, **fields: str) -> None:
    form = page.locator(f"form[data-action='{action}']")
    for name, value in fields.items():
        form.locator(f"[name='{name}']").fill(value)
    form.get_by_role("button", name=button).click()


def test_identify_pay_a_campaign_lend_and_repay_and_see_the_statement(
    app: Flask, factory: Factory, live_server: str, page: Page, request
) -> None:
    _seed(app, factory)
    folder = RESULTS / f"assistance-{request.node.callspec.params.get('app', 'db')}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    server_errors: list[str] = []
    page.on(
        "response",
        lambda r: server_errors.append(f"{r.status} {r.url}") if r.status >= 500 else None,
    )
    base = f"{live_server}/t/county/assistance"

    page.goto(f"{live_server}/login")
    page.get_by_label("用户名").fill("officer")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_load_state()

    # Money into the fund: 50,000 yuan of fiscal allocation.
    page.goto(f"{base}/fund")
    receipt = page.locator("#receipt-form")
    receipt.locator("[name='source']").select_option("fiscal")
    receipt.locator("[name='amount']").fill("50000")
    receipt.locator("[name='document_no']").fill("临财〔2026〕8号")
    receipt.get_by_role("button", name="入账").click()
    expect(page.locator("#fund-balance")).to_have_text("50,000.00")

    # The application.
    page.goto(f"{base}/records/new")
    form = page.locator("#record-form")
    form.locator("[name='level']").select_option("special")
    form.get_by_label("因病").check()
    form.get_by_label("年老体弱、丧失劳动能力").check()
    form.locator("[name='h0_name']").fill(MEMBER)
    form.locator("[name='h0_income']").fill("300")
    form.locator("[name='h1_name']").fill("李秀英")
    form.locator("[name='h1_relation']").select_option("spouse")
    form.locator("[name='h1_income']").fill("200.50")
    for box in form.locator("[name='documents']").all():
        box.check()
    page.screenshot(path=str(folder / "01-application.png"), full_page=True)
    form.get_by_role("button", name="提交申请").click()
    expect(page.locator("#record-state")).to_have_text("已申请")
    expect(page.locator("#household-income")).to_contain_text("500.50")

    # Branch review, then the public notice.
    _act(page, "branch_review", "支部大会初审")
    expect(page.locator("#record-state")).to_have_text("支部大会已初审")
    _act(page, "publish_notice", "张榜公示")
    expect(page.locator("#record-state")).to_have_text("公示中")
    expect(page.locator("[data-action='close_notice']")).to_have_count(0)  # not yet over
    page.screenshot(path=str(folder / "02-notice.png"), full_page=True)
    clock.set_offset(timedelta(days=10))  # the notice period has run its working days
    try:
        page.reload()
        _act(page, "close_notice", "公示期满")
        _act(page, "approve", "党委审批")
        _act(page, "file", "报组织部备案")
        expect(page.locator("#record-state")).to_have_text("在册")
        expect(page.locator("#record-detail")).to_contain_text("杭州市委组织部")
        page.screenshot(path=str(folder / "03-registered.png"), full_page=True)

        # The Spring Festival campaign pays the member 1,000 yuan.
        page.goto(f"{base}/campaigns")
        campaign = page.locator("#campaign-form")
        campaign.locator("[name='name']").fill("2026年春节走访慰问")
        campaign.locator("[name='amount_special']").fill("1000")
        campaign.locator("[name='amount_relatively']").fill("800")
        campaign.locator("[name='amount_general']").fill("500")
        campaign.get_by_role("button", name="选定对象并新建").click()
        expect(page.locator("#roster")).to_contain_text(MEMBER)
        _act(page, "approve", "审批", document_no="部务会〔2026〕2号")
        expect(page.locator("#campaign-state")).to_have_text("已审批")
        row = page.locator("#roster tr", has_text=MEMBER)
        row.locator("[name='signed_by']").fill(MEMBER)
        row.get_by_role("button", name="送达签收").click()
        expect(page.locator("#delivered-total")).to_have_text("1,000.00")
        expect(page.locator("#posted-total")).to_have_text("1,000.00")
        page.screenshot(path=str(folder / "04-campaign.png"), full_page=True)

        # A revolving loan of 12,000 yuan: assessed, approved, disbursed, repaid.
        page.goto(f"{base}/loans")
        loan = page.locator("#loan-form")
        loan.locator("[name='project']").fill("养殖肉牛 3 头")
        loan.locator("[name='amount']").fill("12000")
        loan.locator("[name='guarantor_name']").fill("青山村党支部")
        loan.get_by_role("button", name="提交申请").click()
        _act(page, "assess", "实地考察", assessment="圈舍已建，饲料充足")
        _act(page, "approve", "审批")
        _act(page, "disburse", "放款")
        expect(page.locator("#loan-state")).to_have_text("还款中")
        expect(page.locator("#schedule tbody tr")).to_have_count(24)
        expect(page.locator("#schedule tbody tr").first).to_contain_text("500.00")
        repay = page.locator("#repayment-form")
        repay.locator("[name='amount']").fill("500")
        repay.get_by_role("button", name="还款", exact=True).click()
        expect(page.locator("#loan-outstanding")).to_have_text("11,500.00")
        page.locator("#repay-all").click()
        expect(page.locator("#loan-state")).to_have_text("已还清")
        page.screenshot(path=str(folder / "05-loan.png"), full_page=True)

        # The statement: 50,000 in, 1,000 to the campaign, the loan back in full.
        page.goto(f"{base}/fund")
        expect(page.locator("#fund-balance")).to_have_text("49,000.00")
        statement = page.locator("#statement")
        expect(statement.locator("tr[data-code='source_fiscal'] td").last).to_have_text("50,000.00")
        expect(statement.locator("tr[data-code='expense_campaign'] td").last).to_have_text(
            "1,000.00"
        )
        expect(statement.locator("tr[data-code='loans_receivable'] td").last).to_have_text("0.00")
        expect(page.locator("#postings tbody tr")).to_have_count(5)
        page.screenshot(path=str(folder / "06-statement.png"), full_page=True)
    finally:
        clock.set_offset(timedelta(0))
    assert not server_errors, server_errors
    assert re.search(r"PZ-\d{4}-0+5", page.content())
