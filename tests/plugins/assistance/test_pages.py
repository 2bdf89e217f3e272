"""The assistance pages as a clerk uses them (issue 13): a form refused keeps every value
and names the field beside it; a write-off (核销) asks for a reason and a confirmation
after a summary; closing a campaign with targets not delivered warns and asks; every
answer says what happened; history rows show titles at Beijing time; charts on the
reports page."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from core.db import db
from core.tenancy.scope import tenant_scope
from plugins.assistance.models import (
    Campaign,
    CampaignTarget,
    Grant,
    HardshipRecord,
    HouseholdMember,
    Loan,
)
from tests.factories import csrf_token, login
from tests.plugins.assistance.test_api_pages import PAGES


@pytest.fixture
def leader(client, world):
    assert login(client, "leader").status_code == 302
    return client


def _in(app, world, query):
    with app.app_context(), tenant_scope(world["tenant_id"]):
        return db.session.execute(query).all()


def _member_ids(app, world) -> list[int]:
    from core.orgs.models import Member

    taken = select(HardshipRecord.member_id)
    free = select(Member.id).where(Member.id.not_in(taken)).order_by(Member.id)
    return [row[0] for row in _in(app, world, free)]


def _record_form(token: str, member_id: int, **changes) -> dict:
    form = {
        "csrf_token": token,
        "member_id": str(member_id),
        "category": "rural_low_income",
        "level": "special",
        "applied_by_member": "0",
        "causes": ["illness", "no_capital"],
        "household-0-name": "陈老汉",
        "household-0-relation": "self",
        "household-0-age": "71",
        "household-0-health": "慢性病",
        "household-0-income": "2,400.50",
        "household-1-name": "陈大婶",
        "household-1-relation": "spouse",
        "household-1-age": "69",
        "household-1-income": "1200",
        "dues_unpaid_months": "0",
        "notes": "子女在外务工，无力赡养",
    }
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}


def test_a_refused_application_keeps_every_value_and_names_the_field(app, world, leader):
    member_id = _add_member(app, world)
    token = csrf_token(leader, f"{PAGES}/records/new")
    before = _in(app, world, select(func.count(HardshipRecord.id)))[0][0]
    refused = leader.post(
        f"{PAGES}/records/new", data=_record_form(token, member_id, **{"household-1-age": "两百"})
    )
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    row = page[page.index('data-row="1"') : page.index('data-row="2"')]
    assert 'data-error-for="age"' in row and "应为整数" in row
    for kept in ('value="陈老汉"', 'value="2,400.50"', 'value="两百"', "子女在外务工，无力赡养"):
        assert kept in page, kept
    assert re.search(r'value="illness" checked', page) and re.search(
        r'value="no_capital" checked', page
    )
    assert re.search(r'<option value="special" selected>', page)
    assert re.search(r'<option value="spouse" selected>', row)
    assert _in(app, world, select(func.count(HardshipRecord.id)))[0][0] == before


def test_an_application_saved_from_the_form_has_every_value(app, world, leader):
    member_id = _add_member(app, world)
    token = csrf_token(leader, f"{PAGES}/records/new")
    saved = leader.post(f"{PAGES}/records/new", data=_record_form(token, member_id))
    assert saved.status_code == 303
    with app.app_context(), tenant_scope(world["tenant_id"]):
        record = db.session.scalar(
            select(HardshipRecord).where(HardshipRecord.member_id == member_id)
        )
        people = db.session.scalars(
            select(HouseholdMember)
            .where(HouseholdMember.record_id == record.id)
            .order_by(HouseholdMember.id)
        ).all()
        assert (record.level, record.category, record.applied_by_member) == (
            "special",
            "rural_low_income",
            False,
        )
        assert record.causes == ["illness", "no_capital"]
        assert record.notes == "子女在外务工，无力赡养"
        assert record.household_income_fen == 360_050  # 2,400.50 + 1,200 元
        assert [(p.name, p.relation, p.age, p.annual_income_fen) for p in people] == [
            ("陈老汉", "self", 71, 240_050),
            ("陈大婶", "spouse", 69, 120_000),
        ]
    page = leader.get(saved.headers["Location"]).get_data(as_text=True)
    assert "已建档 KN-" in page


def test_the_income_line_error_stands_beside_the_income(app, world, leader):
    member_id = _add_member(app, world)
    token = csrf_token(leader, f"{PAGES}/records/new")
    refused = leader.post(
        f"{PAGES}/records/new", data=_record_form(token, member_id, income="99,999")
    )
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert re.search(r'data-error-for="income">家庭人均年收入须低于 18,000.00 元', page)
    assert 'value="99,999"' in page


def _add_member(app, world) -> int:
    from datetime import date

    from core.orgs import id_numbers
    from core.orgs.models import Member

    with app.app_context(), tenant_scope(world["tenant_id"]):
        count = db.session.scalar(select(func.count(Member.id)))
        member = Member(
            name=f"陈老汉{count}",
            gender="male",
            joined_on=date(1975, 7, 1),
            id_number=id_numbers.make("330122", date(1955, 3, 1), 101 + count * 2),
        )
        db.session.add(member)
        db.session.commit()
        return member.id


def test_a_refused_campaign_keeps_its_values_and_names_the_amount(app, world, leader):
    token = csrf_token(leader, f"{PAGES}/campaigns")
    refused = leader.post(
        f"{PAGES}/campaigns",
        data={
            "csrf_token": token,
            "name": "中秋走访慰问",
            "starts_on": "2026-09-20",
            "levels": ["special", "general"],
            "amount_special": "800",
            "amount_general": "3.141",
            "categories": ["veteran"],
        },
    )
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert re.search(r'data-error-for="amount_general">[^<]*两位小数', page)
    assert 'value="中秋走访慰问"' in page and 'value="2026-09-20"' in page
    assert 'value="800"' in page and 'value="3.141"' in page
    assert 'value="special" checked' in page and 'value="relatively" checked' not in page
    assert 'value="veteran" checked' in page
    missing = leader.post(
        f"{PAGES}/campaigns",
        data={"csrf_token": token, "name": "中秋", "levels": ["special"]},
    ).get_data(as_text=True)
    assert re.search(r'data-error-for="amounts_fen">须填写慰问金额：特别困难', missing)


def _loan(app, world) -> Loan:
    rows = _in(app, world, select(Loan.id, Loan.state).order_by(Loan.id))
    return next(loan_id for loan_id, state in rows if state == "disbursed")


def test_a_write_off_is_not_a_button_but_a_confirmed_decision_with_a_reason(app, world, leader):
    loan_id = _loan(app, world)
    page = leader.get(f"{PAGES}/loans/{loan_id}").get_data(as_text=True)
    assert 'data-action="write_off"' not in page  # no one-click write-off
    summary = leader.get(f"{PAGES}/loans/{loan_id}/write-off").get_data(as_text=True)
    assert "未还本金 11,500.00 元作为损失核销" in summary and "不可撤销" in summary
    token = csrf_token(leader, f"{PAGES}/loans/{loan_id}/write-off")
    move = f"{PAGES}/loans/{loan_id}/transitions/write_off"
    for data in ({"comment": "借款人去世"}, {"confirmed": "1"}):
        answer = leader.post(move, data={"csrf_token": token, **data}, follow_redirects=True)
        assert "danger" in answer.get_data(as_text=True)
        assert _in(app, world, select(Loan.state).where(Loan.id == loan_id))[0][0] == "disbursed"
    done = leader.post(
        move,
        data={
            "csrf_token": token,
            "comment": "借款人因病去世",
            "confirmed": "1",
            "document_no": "部务会〔2026〕3号",
        },
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "已核销 11,500.00 元" in done
    assert _in(app, world, select(Loan.state).where(Loan.id == loan_id))[0][0] == "written_off"


def test_closing_a_campaign_with_targets_left_warns_and_needs_a_confirmation(app, world, leader):
    campaign_id = _in(app, world, select(Campaign.id))[0][0]
    waiting = _in(
        app,
        world,
        select(func.count(CampaignTarget.id)).where(
            CampaignTarget.campaign_id == campaign_id, CampaignTarget.posting_id.is_(None)
        ),
    )[0][0]
    assert waiting
    page = leader.get(f"{PAGES}/campaigns/{campaign_id}").get_data(as_text=True)
    assert f"尚有 {waiting} 户未送达签收" in page
    token = csrf_token(leader, f"{PAGES}/campaigns/{campaign_id}")
    move = f"{PAGES}/campaigns/{campaign_id}/transitions/close"
    refused = leader.post(move, data={"csrf_token": token}, follow_redirects=True)
    assert f"尚有 {waiting} 户未送达，确认后才能结束活动" in refused.get_data(as_text=True)
    assert (
        _in(app, world, select(Campaign.state).where(Campaign.id == campaign_id))[0][0]
        == "approved"
    )
    closed = leader.post(
        move, data={"csrf_token": token, "confirm_undelivered": "1"}, follow_redirects=True
    )
    assert "当前状态：已结束" in closed.get_data(as_text=True)


def test_answers_say_what_happened_and_history_shows_titles_in_beijing_time(app, world, leader):
    record_id = _in(app, world, select(Grant.record_id))[0][0]
    token = csrf_token(leader, f"{PAGES}/grants")
    created = leader.post(
        f"{PAGES}/grants",
        data={
            "csrf_token": token,
            "record_id": str(record_id),
            "kind": "emergency",
            "amount": "2000",
            "reason": "房屋受灾",
        },
    )
    assert created.status_code == 303
    grant_url = created.headers["Location"]
    for move in ("review", "approve", "pay"):
        answer = leader.post(
            f"{grant_url}/transitions/{move}", data={"csrf_token": token}, follow_redirects=True
        )
    page = answer.get_data(as_text=True)
    assert "已发放 2,000.00 元（凭证 PZ-" in page
    assert "操作已完成" not in page and "已办理。" not in page
    history = page[page.index('id="history"') :]
    assert "审批" in history and "已发放" in history
    assert not re.search(r"\b(create|review|pay|approved|paid)\b", history)
    from datetime import datetime, timedelta, timezone

    now = datetime.now(timezone(timedelta(hours=8))).strftime("%Y-%m-%d %H:")
    assert now in history  # written just now, shown at Beijing time


def test_the_reports_page_draws_its_charts(leader):
    page = leader.get(f"{PAGES}/reports").get_data(as_text=True)
    assert 'id="assistance-chart-data"' in page and 'data-chart="pie"' in page
    assert "vendor/echarts/echarts.min.js" in page
    data = re.search(r'id="assistance-chart-data">([^<]+)<', page).group(1)
    import json

    charts = json.loads(data)
    assert [row["title"] for row in charts["levels"]] == ["一般困难", "比较困难", "特别困难"]
    assert sum(row["count"] for row in charts["levels"]) >= 2
    assert any(row["count"] for row in charts["spending"])
