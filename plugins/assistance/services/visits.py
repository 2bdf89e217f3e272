"""Writes of pairing (结对帮扶: a cadre paired with a member, and what was done) and
visit campaigns (走访慰问: a roster chosen from the register, delivered and signed
for). Money given on a visit or delivered in a campaign is paid through :mod:`.fund`.

The functions take what the API's schemas loaded (``PairingIn``, ``PairingLogIn``,
``CampaignIn``) and check only what needs the database or today's date.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import select

from core import clock
from core.audit.service import record as audit
from core.db import db
from core.locking import lock_for_update
from core.workflow import IllegalTransition
from plugins.assistance.models import (
    Approval,
    Campaign,
    CampaignTarget,
    HardshipRecord,
    Pairing,
    PairingLog,
)
from plugins.assistance.permissions import PAY, REGISTER
from plugins.assistance.queries.records import ON_REGISTER
from plugins.assistance.services import fund
from plugins.assistance.services.aid import on_register
from plugins.assistance.services.checks import amount as checked_amount
from plugins.assistance.services.checks import require
from plugins.assistance.workflow import CAMPAIGN_FLOW

if TYPE_CHECKING:
    from core.auth.users import Actor


# -- Pairing ------------------------------------------------------------------------------


def create_pairing(data: Mapping[str, Any], actor: Actor) -> Pairing:
    require(actor, REGISTER)
    record = on_register(data["record_id"])
    if data["ends_on"] < data["starts_on"]:
        raise ValidationError({"ends_on": [_("结束日期不能早于开始日期")]})
    pairing = Pairing(
        record_id=record.id,
        cadre_name=data["cadre_name"].strip(),
        cadre_user_id=data.get("cadre_user_id"),
        goal=data["goal"].strip(),
        measures=data["measures"].strip(),
        starts_on=data["starts_on"],
        ends_on=data["ends_on"],
    )
    db.session.add(pairing)
    db.session.flush()
    audit("assistance.pairing", obj=pairing, detail={"record_id": record.id})
    return pairing


def log_pairing(pairing: Pairing, data: Mapping[str, Any], actor: Actor) -> PairingLog:
    """A visit or help given; money given is approved and paid through the fund."""
    require(actor, REGISTER)
    if not (data.get("content") or "").strip():
        raise ValidationError({"content": [_("须填写走访或帮扶内容")]})
    happened = data.get("happened_on") or clock.today()
    if happened > clock.today():
        raise ValidationError({"happened_on": [_("日期不能晚于今天")]})
    amount = data.get("amount_fen") or 0
    entry = PairingLog(
        pairing_id=pairing.id, happened_on=happened, content=data["content"].strip(), amount_fen=0
    )
    if amount:
        amount = checked_amount(amount, "amount_fen")
        require(actor, PAY)
        approval = fund.approve("pairing", amount, actor, subject_id=pairing.id)
        postings = fund.spend(
            "expense_pairing", amount, approval, actor, record_id=pairing.record_id
        )
        entry.amount_fen = amount
        entry.posting_id = postings[0].id
    db.session.add(entry)
    db.session.flush()
    return entry


# -- Visit campaigns ----------------------------------------------------------------------


def create_campaign(data: Mapping[str, Any], actor: Actor) -> Campaign:
    """A campaign with its targets chosen from the register by level and category, each
    level with its amount (every chosen level needs one)."""
    require(actor, REGISTER)
    levels, categories = list(data["levels"]), list(data.get("categories") or [])
    amounts = dict(data["amounts_fen"])
    missing = {
        f"amounts_fen.{lv}": [_("须填写该困难程度的慰问金额")] for lv in levels if lv not in amounts
    }
    if missing:
        raise ValidationError(missing)
    campaign = Campaign(
        name=data["name"].strip(),
        starts_on=data.get("starts_on") or clock.today(),
        levels=levels,
        categories=categories,
        amounts_fen={lv: amounts[lv] for lv in levels},
    )
    db.session.add(campaign)
    CAMPAIGN_FLOW.start(campaign, actor)
    query = select(HardshipRecord).where(
        HardshipRecord.state.in_(ON_REGISTER), HardshipRecord.level.in_(levels)
    )
    if categories:
        query = query.where(HardshipRecord.category.in_(categories))
    db.session.add_all(
        CampaignTarget(
            campaign_id=campaign.id,
            record_id=r.id,
            level=r.level,
            amount_fen=campaign.amounts_fen[r.level],
        )
        for r in db.session.scalars(query.order_by(HardshipRecord.id))
    )
    db.session.flush()
    return campaign


def deliver(target: CampaignTarget, signed_by: str, actor: Actor) -> CampaignTarget:
    """Money and goods delivered and signed for: paid through the fund."""
    require(actor, PAY)
    if not (signed_by or "").strip():
        raise ValidationError({"signed_by": [_("须填写签收人")]})
    # The campaign first (closing it locks it too), then the target: a second identical
    # delivery waits, then sees the posting and is refused.
    campaign = db.session.get(Campaign, target.campaign_id)
    lock_for_update(campaign)
    lock_for_update(target)
    if campaign.state != "approved":
        raise IllegalTransition(_("活动未审批或已结束"))
    if target.posting_id is not None:
        raise IllegalTransition(_("该对象已发放"))
    approval = db.session.get(Approval, campaign.approval_id)
    postings = fund.spend(
        "expense_campaign",
        target.amount_fen,
        approval,
        actor,
        record_id=target.record_id,
        memo=campaign.name,
        purpose=f"target:{target.id}",
    )
    target.posting_id = postings[0].id
    target.delivered_on = clock.today()
    target.signed_by = signed_by.strip()
    audit("assistance.delivered", obj=target, detail={"campaign_id": campaign.id})
    return target
