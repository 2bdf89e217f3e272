"""Demo data: one of everything, so the pages have something to show and the isolation
suite has an id of every kind to probe."""

from __future__ import annotations

import io
from datetime import date, timedelta

from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from core import clock
from core.attachments.services import save
from core.auth.users import system_actor
from core.db import db
from core.orgs import id_numbers
from core.orgs.models import Member, OrgUnit
from plugins.assistance.models import CampaignTarget, Posting
from plugins.assistance.queries.records import required_documents
from plugins.assistance.schemas.records import RecordIn
from plugins.assistance.services import aid, fund, register, visits
from plugins.assistance.workflow import (
    CAMPAIGN_FLOW,
    GRANT_FLOW,
    LOAN_FLOW,
    RECORD_FILES,
    RECORD_FLOW,
)

PEOPLE = [
    ("王大山", "male", date(1952, 3, 1), date(1975, 7, 1), "special", ["illness", "old_age"]),
    ("李秀英", "female", date(1958, 8, 9), date(1980, 6, 1), "relatively", ["no_capital"]),
    ("赵长生", "male", date(1930, 1, 5), date(1948, 5, 1), "general", ["old_age"]),
]


def _member(name: str, gender: str, born: date, joined: date) -> Member:
    member = db.session.scalar(select(Member).where(Member.name == name))
    if member is not None:
        return member
    branch = db.session.scalar(select(OrgUnit).where(OrgUnit.kind == "branch").limit(1))
    if branch is None:
        branch = OrgUnit(name="东村党支部", kind="branch")
        db.session.add(branch)
        db.session.flush()
    sequence = 11 + len(name) * 2 + (0 if gender == "female" else 1)
    member = Member(
        name=name,
        gender=gender,
        birth_date=born,
        joined_on=joined,
        branch_id=branch.id,
        id_number=id_numbers.make("330122", born, sequence),
    )
    db.session.add(member)
    db.session.flush()
    return member


def _register(member: Member, level: str, causes: list[str], category: str):
    actor = system_actor()
    application = {
        "member_id": member.id,
        "category": category,
        "level": level,
        "causes": causes,
        "documents": required_documents(),
        "household": [{"name": member.name, "relation": "self", "annual_income_fen": 40_000}],
    }
    record = register.apply(RecordIn().load(application), actor)
    RECORD_FLOW.fire(record, "branch_review", actor)
    RECORD_FLOW.fire(record, "publish_notice", actor)
    return record


def create_demo_data(tenant) -> None:
    actor = system_actor()
    if db.session.scalar(select(Posting.id).limit(1)) is not None:
        return
    receipt = fund.approve("receipt", 200_000, actor, document_no="留存党费划拨〔2026〕1号")
    fund.receive("dues", 200_000, receipt, actor, memo="留存党费")
    receipt = fund.approve("receipt", 5_000_000, actor, document_no="县财〔2026〕12号")
    fund.receive("fiscal", 5_000_000, receipt, actor, memo="财政拨款")

    records = []
    for index, (name, gender, born, joined, level, causes) in enumerate(PEOPLE):
        category = "veteran" if joined.year < 1949 else "rural_low_income"
        record = _register(_member(name, gender, born, joined), level, causes, category)
        if index == 1:
            register.raise_objection(record, "反映其家庭有经营收入，请核实", actor)
            records.append(record)
            continue
        # The demo's notice period is already over.
        record.notice_ends_on = clock.today() - timedelta(days=1)
        RECORD_FLOW.fire(record, "close_notice", actor)
        RECORD_FLOW.fire(record, "approve", actor)
        RECORD_FLOW.fire(record, "file", actor, data={"filed_with_name": "县委组织部"})
        records.append(record)
    first = records[0]
    save(
        RECORD_FILES.name,
        first.id,
        FileStorage(io.BytesIO("家庭收入证明：2025年家庭年收入400元。".encode()), "收入证明.txt"),
        None,
    )

    grant = aid.apply_grant(
        {"record_id": first.id, "kind": "medical", "amount_fen": 150_000, "reason": "住院医疗费用"},
        actor,
    )
    for step in ("review", "approve", "pay"):
        GRANT_FLOW.fire(grant, step, actor)
    GRANT_FLOW.fire(grant, "sign_receipt", actor, data={"signed_by": "王大山"})

    loan = aid.apply_loan(
        {
            "record_id": first.id,
            "project": "养殖肉牛 3 头",
            "amount_fen": 1_200_000,
            "guarantor_kind": "branch",
            "guarantor_name": "东村党支部",
        },
        actor,
    )
    LOAN_FLOW.fire(loan, "assess", actor, data={"assessment": "圈舍已建成，饲料来源稳定"})
    LOAN_FLOW.fire(loan, "approve", actor)
    LOAN_FLOW.fire(loan, "disburse", actor)
    aid.repay_loan(loan, 50_000, actor)
    aid.add_loan_note(loan, "已购入肉牛 3 头，长势良好", actor)

    pairing = visits.create_pairing(
        {
            "record_id": first.id,
            "cadre_name": "张建国",
            "goal": "两年内稳定脱困",
            "measures": "联系养殖技术员定期指导；协助销售",
            "starts_on": clock.today().replace(month=1, day=1),
            "ends_on": clock.today().replace(month=12, day=31),
        },
        actor,
    )
    visits.log_pairing(pairing, {"content": "上门走访，送去慰问金", "amount_fen": 20_000}, actor)

    campaign = visits.create_campaign(
        {
            "name": f"{clock.today().year}年春节走访慰问",
            "levels": ["special", "relatively", "general"],
            "amounts_fen": {"special": 100_000, "relatively": 80_000, "general": 50_000},
        },
        actor,
    )
    CAMPAIGN_FLOW.fire(campaign, "approve", actor)
    target = db.session.scalar(
        select(CampaignTarget).where(CampaignTarget.campaign_id == campaign.id).limit(1)
    )
    if target is not None:
        visits.deliver(target, "本人", actor)
    db.session.flush()
