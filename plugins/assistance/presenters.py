"""Records as the API and pages show them: ID numbers masked, household incomes only for
holders of ``assistance.view_income`` (and every such view audited)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from core.attachments.services import attachments_of
from core.auth.users import current_actor
from core.db import db
from core.orgs.models import Member
from plugins.assistance import services
from plugins.assistance.models import Campaign, CampaignTarget, HardshipRecord
from plugins.assistance.permissions import VIEW_INCOME
from plugins.assistance.workflow import CAMPAIGN_FLOW, RECORD_FILES, RECORD_FLOW, RECORD_STATES

INCOME_PERMISSION = VIEW_INCOME


def may_see_income() -> bool:
    return current_actor().can(INCOME_PERMISSION)


def record_out(record: HardshipRecord, via: str) -> dict[str, Any]:
    """The record for output; a full view of the incomes leaves an audit entry."""
    full = may_see_income()
    if full:
        services.reveal_income(record, via)
    member = db.session.get(Member, record.member_id)
    actor = current_actor()
    return {
        "id": record.id,
        "serial": record.serial,
        "member_id": record.member_id,
        "member_name": member.name if member else "",
        "id_number": member.masked_id_number if member else None,
        "branch_name": member.branch.name if member and member.branch else None,
        "category": record.category,
        "level": record.level,
        "causes": record.causes,
        "state": record.state,
        "state_title": _(RECORD_STATES.get(record.state, record.state)),
        "applied_on": record.applied_on,
        "household_size": record.household_size,
        "household_income_fen": record.household_income_fen if full else None,
        "per_head_income_fen": record.per_head_income_fen if full else None,
        "documents": record.documents,
        "notice_starts_on": record.notice_starts_on,
        "notice_ends_on": record.notice_ends_on,
        "approved_on": record.approved_on,
        "filed_with_name": record.filed_with_name,
        "filed_on": record.filed_on,
        "review_due": record.review_due,
        "exited_on": record.exited_on,
        "notes": record.notes,
        "household": [
            {
                "id": h.id,
                "name": h.name,
                "relation": h.relation,
                "age": h.age,
                "health": h.health,
                "annual_income_fen": h.annual_income_fen if full else None,
            }
            for h in record.household
        ],
        "objections": list(record.objections),
        "attachments": attachments_of(RECORD_FILES.name, record.id),
        "actions": [t.name for t in RECORD_FLOW.available(record, actor)],
    }


def campaign_detail(campaign: Campaign) -> dict[str, Any]:
    targets = db.session.scalars(
        select(CampaignTarget)
        .where(CampaignTarget.campaign_id == campaign.id)
        .order_by(CampaignTarget.id)
    ).all()
    return {
        "id": campaign.id,
        "name": campaign.name,
        "starts_on": campaign.starts_on,
        "levels": campaign.levels,
        "categories": campaign.categories,
        "amounts_fen": campaign.amounts_fen,
        "state": campaign.state,
        "state_title": _(CAMPAIGN_FLOW.states.get(campaign.state, campaign.state)),
        "approval_id": campaign.approval_id,
        "targets": list(targets),
        "totals": services.campaign_totals(campaign),
    }
