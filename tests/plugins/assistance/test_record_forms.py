"""The assistance plugin's standard forms (issue 13): 公示表 of a record, 救助审批表 of a
grant and 走访慰问签收表 of a campaign, printed from the demo's records through core's
record-form route, in words and yuan, with no income on the public notice."""

from __future__ import annotations

import io

import docx
import sqlalchemy as sa

from core.db import db
from core.orgs.models import Member
from core.tenancy.scope import tenant_scope
from plugins.assistance.models import Campaign, CampaignTarget, Grant, HardshipRecord
from tests.factories import login


def _text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def _first(app, world, query):
    with app.app_context(), tenant_scope(world["tenant_id"]):
        return db.session.execute(query).first()


def _print(client, name: str, record_id: int) -> str:
    answer = client.get(f"/t/county/forms/{name}/{record_id}.docx")
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    text = _text(answer.data)
    assert "{{" not in text and "{%" not in text
    return text


def test_the_notice_table_names_the_member_and_the_period_not_the_income(app, client, world):
    record_id, member, income = _first(
        app,
        world,
        sa.select(HardshipRecord.id, Member.name, HardshipRecord.household_income_fen)
        .join(Member, Member.id == HardshipRecord.member_id)
        .where(HardshipRecord.notice_starts_on.is_not(None))
        .order_by(HardshipRecord.id),
    )
    login(client, "clerk")
    text = _print(client, "assistance.notice_table", record_id)
    assert "困难党员认定公示表" in text and member in text and "至" in text
    assert f"{income / 100:,.2f}" not in text


def test_the_approval_form_shows_the_amount_in_yuan(app, client, world):
    grant_id, amount = _first(app, world, sa.select(Grant.id, Grant.amount_fen).order_by(Grant.id))
    login(client, "clerk")
    text = _print(client, "assistance.approval_form", grant_id)
    assert "困难党员救助审批表" in text and f"{amount / 100:,.2f} 元" in text


def test_the_receipt_sheet_has_a_line_per_target(app, client, world):
    (campaign_id,) = _first(app, world, sa.select(Campaign.id).order_by(Campaign.id))
    with app.app_context(), tenant_scope(world["tenant_id"]):
        count = db.session.scalar(
            sa.select(sa.func.count()).where(CampaignTarget.campaign_id == campaign_id)
        )
    login(client, "clerk")
    answer = client.get(f"/t/county/forms/assistance.receipt_sheet/{campaign_id}.docx")
    document = docx.Document(io.BytesIO(answer.data))
    listing = document.tables[-1]
    assert count > 0 and len(listing.rows) == 1 + count  # the header, then a line each
