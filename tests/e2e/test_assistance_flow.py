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
    receipt.get_by_label("资金来源").select_option(label="财政拨款")
    receipt.locator("[name='amount']").fill("50000")
    receipt.locator("[name='document_no']").fill("临财〔2026〕8号")
    receipt.get_by_role("button", name="入账").click()
    expect(page.locator("#fund-balance")).to_have_text("50,000.00")

    # The application.
    page.goto(f"{base}/records/new")
    form = page.locator("#record-form")
    form.get_by_label("党员", exact=True).select_option(label=f"{MEMBER}（青山村党支部）")
    form.get_by_label("困难程度").select_option(label="特别困难")
    form.get_by_label("因病").check()
    form.get_by_label("年老体弱、丧失劳动能力").check()
    form.locator("[name='household-0-name']").fill(MEMBER)
    form.locator("[name='household-0-income']").fill("300")
    form.locator("[name='household-1-name']").fill("李秀英")
    form.locator("[name='household-1-relation']").select_option(label="配偶")
    form.locator("[name='household-1-income']").fill("200.50")
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
        serial = page.locator("h1 small").inner_text()
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
        loan.get_by_label("困难党员").select_option(label=f"{MEMBER}（{serial}）")
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


# -- Every form, field by field -------------------------------------------------------------


def _login(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/login")
    page.get_by_label("用户名").fill("officer")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_load_state()


def _one(app: Flask, model: type, **where):
    with app.app_context():
        tenant = db.session.scalar(select(Tenant).where(Tenant.slug == "county"))
        with tenant_scope(tenant.id):
            query = select(model).filter_by(**where).order_by(model.id.desc()).limit(1)
            row = db.session.scalar(query)
            db.session.expunge_all()
            return row


def _fill_application(form, age: str) -> None:
    form.get_by_label("党员", exact=True).select_option(label=f"{MEMBER}（青山村党支部）")
    form.get_by_label("类别").select_option(label="农村低收入")
    form.get_by_label("困难程度").select_option(label="比较困难")
    form.get_by_label("申请方式").select_option(label="代为申请")
    form.get_by_label("缺资金").check()
    form.get_by_label("子女上学").check()
    first = form.locator("tr[data-row='0']")
    first.get_by_label("姓名").fill(MEMBER)
    first.get_by_label("关系").select_option(label="本人")
    first.get_by_label("年龄").fill("76")
    first.get_by_label("健康状况").fill("高血压")
    first.get_by_label("年收入（元）").fill("3,000")
    second = form.locator("tr[data-row='1']")
    second.get_by_label("姓名").fill("王小明")
    second.get_by_label("关系").select_option(label="孙子女")
    second.get_by_label("年龄").fill(age)
    second.get_by_label("健康状况").fill("健康")
    second.get_by_label("年收入（元）").fill("0")
    form.get_by_label("家庭年收入（元，不填则按成员收入合计）").fill("3,600.40")
    form.get_by_label("困难党员帮扶申请表").check()
    form.get_by_label("家庭收入证明").check()
    form.get_by_label("连续未交党费（月）").fill("1")
    form.get_by_label("备注").fill("孙子在县城读高中")


def _check_application_kept(page: Page) -> None:
    form = page.locator("#record-form")
    expect(form.get_by_label("党员", exact=True)).to_have_value(re.compile(r"\d+"))
    expect(form.get_by_label("类别").locator("option:checked")).to_have_text("农村低收入")
    expect(form.get_by_label("困难程度").locator("option:checked")).to_have_text("比较困难")
    expect(form.get_by_label("申请方式").locator("option:checked")).to_have_text("代为申请")
    expect(form.get_by_label("缺资金")).to_be_checked()
    expect(form.get_by_label("子女上学")).to_be_checked()
    expect(form.get_by_label("因病")).not_to_be_checked()
    second = form.locator("tr[data-row='1']")
    expect(second.get_by_label("姓名")).to_have_value("王小明")
    expect(second.get_by_label("关系").locator("option:checked")).to_have_text("孙子女")
    expect(second.get_by_label("年龄")).to_have_value("七十")
    expect(second.locator("[data-error-for='age']")).to_contain_text("应为整数")
    expect(form.locator("tr[data-row='0']").get_by_label("年收入（元）")).to_have_value("3,000")
    expect(form.get_by_label("家庭收入证明")).to_be_checked()
    expect(form.get_by_label("备注")).to_have_value("孙子在县城读高中")
    expect(form.get_by_label("家庭年收入（元，不填则按成员收入合计）")).to_have_value("3,600.40")


def test_every_assistance_form_field_by_field_and_a_bad_field_keeps_the_rest(
    app: Flask, factory: Factory, live_server: str, page: Page
) -> None:
    from plugins.assistance.models import (
        Campaign,
        Grant,
        HardshipRecord,
        Loan,
        Pairing,
        PairingLog,
        Posting,
    )

    _seed(app, factory)
    server_errors: list[str] = []
    page.on("response", lambda r: server_errors.append(r.url) if r.status >= 500 else None)
    base = f"{live_server}/t/county/assistance"
    _login(page, live_server)

    page.goto(f"{base}/fund")
    receipt = page.locator("#receipt-form")
    receipt.get_by_label("资金来源").select_option(label="党员捐款")
    receipt.get_by_label("金额（元）").fill("20,000.50")
    receipt.get_by_label("批准文号").fill("临组〔2026〕5号")
    receipt.get_by_label("摘要").fill("七一捐款")
    receipt.get_by_role("button", name="入账").click()
    expect(page.locator(".alert-success")).to_contain_text("已入账 20,000.50 元")
    posting = _one(app, Posting)
    assert (posting.amount_fen, posting.memo) == (2_000_050, "七一捐款")

    # The application: once with one bad field (an age in words), then right.
    page.goto(f"{base}/records/new")
    _fill_application(page.locator("#record-form"), age="七十")
    page.get_by_role("button", name="提交申请").click()
    _check_application_kept(page)
    assert _one(app, HardshipRecord) is None
    page.locator("#record-form tr[data-row='1']").get_by_label("年龄").fill("16")
    page.get_by_role("button", name="提交申请").click()
    expect(page.locator("#record-state")).to_have_text("已申请")
    record = _one(app, HardshipRecord)
    assert (record.category, record.level, record.applied_by_member) == (
        "rural_low_income",
        "relatively",
        False,
    )
    assert (record.causes, record.household_income_fen) == (["no_capital", "schooling"], 360_040)
    assert record.notes == "孙子在县城读高中"
    assert record.documents == ["困难党员帮扶申请表", "家庭收入证明"]
    expect(page.locator("#household")).to_contain_text("孙子女")
    expect(page.locator("#household")).to_contain_text("高血压")

    # On the register: the moves through their forms.
    page.locator("#documents-form").get_by_label("支部大会初审意见").check()
    page.locator("#documents-form").get_by_role("button", name="保存").click()
    _act(page, "branch_review", "支部大会初审")
    _act(page, "publish_notice", "张榜公示")
    expect(page.locator("#record-state")).to_have_text("公示中")  # the move's page is in
    clock.set_offset(timedelta(days=10))
    try:
        page.reload()
        _act(page, "close_notice", "公示期满")
        _act(page, "approve", "党委审批")
        _act(page, "file", "报组织部备案", filed_with_name="临安县委组织部")
        expect(page.locator("#record-state")).to_have_text("在册")
        option = f"{MEMBER}（{record.serial}）"

        page.goto(f"{base}/grants")
        grant = page.locator("#grant-form")
        grant.get_by_label("困难党员").select_option(label=option)
        grant.get_by_label("救助类别").select_option(label="助学资助")
        grant.get_by_label("金额（元）").fill("1,500")
        grant.get_by_label("申请事由").fill("孙子高中学费")
        grant.get_by_role("button", name="提交申请").click()
        expect(page.locator(".alert-success")).to_contain_text("1,500.00 元")
        saved = _one(app, Grant)
        assert (saved.kind, saved.amount_fen, saved.reason) == (
            "education",
            150_000,
            "孙子高中学费",
        )

        page.goto(f"{base}/loans")
        loan = page.locator("#loan-form")
        loan.get_by_label("困难党员").select_option(label=option)
        loan.get_by_label("帮扶项目").fill("种植高山蔬菜")
        loan.get_by_label("金额（元）").fill("8000")
        loan.get_by_label("担保方式").select_option(label="乡镇担保")
        loan.get_by_label("担保单位").fill("青山镇人民政府")
        loan.get_by_role("button", name="提交申请").click()
        saved = _one(app, Loan)
        assert (saved.project, saved.amount_fen, saved.guarantor_kind, saved.term_months) == (
            "种植高山蔬菜",
            800_000,
            "township",
            24,
        )

        # Pairing: once with the end before the start, then right; then a visit.
        page.goto(f"{base}/pairings")
        pairing = page.locator("#pairing-form")
        pairing.get_by_label("困难党员").select_option(label=option)
        pairing.get_by_label("帮扶干部").fill("张建国")
        pairing.get_by_label("帮扶目标").fill("两年内稳定脱困")
        pairing.get_by_label("帮扶措施").fill("联系蔬菜合作社收购")
        pairing.get_by_label("开始日期").fill("2026-03-01")
        pairing.get_by_label("结束日期").fill("2026-02-01")
        pairing.get_by_role("button", name="建立结对").click()
        pairing = page.locator("#pairing-form")
        expect(pairing.locator("[data-error-for='ends_on']")).to_contain_text("不能早于开始日期")
        expect(pairing.get_by_label("帮扶干部")).to_have_value("张建国")
        expect(pairing.get_by_label("帮扶措施")).to_have_value("联系蔬菜合作社收购")
        expect(pairing.get_by_label("开始日期")).to_have_value("2026-03-01")
        expect(pairing.get_by_label("困难党员").locator("option:checked")).to_have_text(option)
        pairing.get_by_label("结束日期").fill("2027-12-31")
        pairing.get_by_role("button", name="建立结对").click()
        expect(page.locator(".alert-success")).to_contain_text("张建国 帮扶 王大山")
        saved = _one(app, Pairing)
        assert (saved.goal, str(saved.starts_on), str(saved.ends_on)) == (
            "两年内稳定脱困",
            "2026-03-01",
            "2027-12-31",
        )
        log = page.locator("form[action$='/logs']").first
        log.get_by_label("日期").fill(str(clock.today()))
        log.get_by_label("走访或帮扶内容").fill("上门走访，了解蔬菜长势")
        log.get_by_label("金额（元）").fill("300")
        log.get_by_role("button", name="记录").click()
        expect(page.locator(".alert-success")).to_contain_text("发放 300.00 元")
        entry = _one(app, PairingLog)
        assert (entry.content, entry.amount_fen) == ("上门走访，了解蔬菜长势", 30_000)

        # A campaign: once with a third of a fen, then right.
        page.goto(f"{base}/campaigns")
        campaign = page.locator("#campaign-form")
        campaign.get_by_label("活动名称").fill("七一走访慰问")
        campaign.get_by_label("开始日期").fill("2026-06-25")
        campaign.get_by_label("一般困难", exact=True).uncheck()
        campaign.get_by_label("特别困难每户金额（元）").fill("1000")
        campaign.get_by_label("比较困难每户金额（元）").fill("800.333")
        campaign.get_by_label("农村低收入").check()
        campaign.get_by_role("button", name="选定对象并新建").click()
        campaign = page.locator("#campaign-form")
        expect(campaign.locator("[data-error-for='amount_relatively']")).to_contain_text("两位小数")
        expect(campaign.get_by_label("活动名称")).to_have_value("七一走访慰问")
        expect(campaign.get_by_label("开始日期")).to_have_value("2026-06-25")
        expect(campaign.get_by_label("一般困难", exact=True)).not_to_be_checked()
        expect(campaign.get_by_label("特别困难每户金额（元）")).to_have_value("1000")
        expect(campaign.get_by_label("农村低收入")).to_be_checked()
        campaign.get_by_label("比较困难每户金额（元）").fill("800")
        campaign.get_by_role("button", name="选定对象并新建").click()
        expect(page.locator("#roster")).to_contain_text(MEMBER)
        saved = _one(app, Campaign)
        assert (saved.name, str(saved.starts_on), saved.levels, saved.categories) == (
            "七一走访慰问",
            "2026-06-25",
            ["relatively", "special"],
            ["rural_low_income"],
        )
        assert saved.amounts_fen == {"relatively": 80_000, "special": 100_000}
    finally:
        clock.set_offset(timedelta(0))
    assert not server_errors, server_errors
