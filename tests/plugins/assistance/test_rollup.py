"""党内关怀帮扶 in the city's 汇总: the register by cause and the fund's income by source,
spending by purpose and balance, computed by hand for a county under the city (the
city's own fund counts in its own row; a movement outside the period counts only in
the balance; a reversal takes its amount back out of the source it was credited to)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from core.db import db
from core.rollup.period import resolve
from core.rollup.service import compute
from core.tenancy.models import Tenant
from core.tenancy.scope import tenant_scope
from plugins.assistance.models import HardshipRecord, Posting
from plugins.assistance.services import fund as fund_service

NOV = {"period": "month", "year": 2026, "month": 11}


def _approval(actor, amount=0, kind="grant"):
    return fund_service.approve(kind, amount, actor, document_no="部务会纪要")


def _record(member, n: int, causes: list[str], state: str = "registered") -> HardshipRecord:
    record = HardshipRecord(
        serial=f"KN-2026-{n:04d}",
        member_id=member.id,
        applied_on=date(2026, 10, 1),
        category="temporary",
        level="general",
        causes=causes,
        household_income_fen=1_200_000,
        household_size=3,
        per_head_income_fen=400_000,
        state=state,
    )
    db.session.add(record)
    return record


def _county_books(leader, fund, new_member, set_today) -> None:
    set_today(date(2026, 10, 20))  # before the period: only in the balance
    fund(50_000, source="dues")
    set_today(date(2026, 11, 5))
    fund(300_000, source="fiscal")
    fund(20_000, source="donation")
    donation = db.session.scalars(select(Posting).order_by(Posting.id.desc())).first()
    fund_service.reverse(donation, _approval(leader), leader)  # entered by mistake
    fund(7_000, source="donation")
    fund_service.spend("expense_living", 80_000, _approval(leader), leader)  # dues first
    fund_service.lend(40_000, _approval(leader, 40_000, "loan"), leader, None, "借款")
    set_today(date(2026, 12, 2))  # after the period: neither income nor balance
    fund(1_000_000, source="fundraising")
    people = [new_member(f"党员{n}") for n in range(4)]
    _record(people[0], 1, ["illness", "no_capital"])
    _record(people[1], 2, ["illness"], state="under_review")
    _record(people[2], 3, ["disaster"])
    _record(people[3], 4, ["illness"], state="exited")  # off the register
    db.session.flush()


def test_fund_by_source_and_register_by_cause_summed_by_hand(
    app_context, tenant, leader, fund, new_member, set_today
):
    _county_books(leader, fund, new_member, set_today)
    city = db.session.scalar(select(Tenant).where(Tenant.slug == "city"))
    with tenant_scope(city.id):
        fund(5_000, source="fiscal")  # 2026-12-02: the city's, after the period
        part = compute(city, resolve(NOV), plugins=["assistance"]).plugins[0]
    own, county = part.rows
    assert (own.label, county.label) == ("本级", db.session.get(Tenant, tenant).name)
    assert county.values["fund"] == {
        "income_dues": 0,
        "income_fiscal": 300_000,
        "income_donation": 7_000,  # 20,000 in, the same 20,000 reversed
        "income_fundraising": 0,
        "expense_holiday_visit": 0,
        "expense_emergency": 0,
        "expense_education": 0,
        "expense_medical": 0,
        "expense_living": 80_000,
        "expense_campaign": 0,
        "expense_pairing": 0,
        "expense_writeoff": 0,
        # 50,000 + 300,000 + 7,000 in, 80,000 spent, 40,000 lent out
        "balance_fen": 237_000,
    }
    assert own.values["fund"]["balance_fen"] == 0 and own.values["fund"]["income_fiscal"] == 0
    assert part.total.values["fund"]["balance_fen"] == 237_000
    causes = county.values["causes"]
    assert (causes["illness"], causes["no_capital"], causes["disaster"]) == (2, 1, 1)
    assert sum(causes.values()) == 4  # the record that exited counts nowhere
    assert county.values["register"]["general"] == 3
    assert {s.key: s for s in part.sets}["fund"].figures[-1].kind == "money"
