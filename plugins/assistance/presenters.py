"""Records as the API and pages show them: ID numbers masked, household incomes only for
holders of ``assistance.view_income`` (and every such view audited)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from core.attachments.services import attachments_by_owner, attachments_of
from core.auth.users import current_actor
from core.db import db
from core.exports import to_shanghai
from core.i18n import N_
from core.orgs.models import Member
from core.workflow import Workflow
from plugins.assistance.models import Campaign, HardshipRecord
from plugins.assistance.permissions import VIEW_INCOME
from plugins.assistance.queries import records
from plugins.assistance.services.register import reveal_income, reveal_incomes
from plugins.assistance.workflow import CAMPAIGN_FLOW, RECORD_FILES, RECORD_FLOW, RECORD_STATES


def may_see_income() -> bool:
    return current_actor().can(VIEW_INCOME)


def record_out(record: HardshipRecord, via: str) -> dict[str, Any]:
    """The record for output; a full view of the incomes leaves an audit entry."""
    full = may_see_income()
    if full:
        reveal_income(record, via)
    member = db.session.get(Member, record.member_id)
    return _record_dict(record, member, attachments_of(RECORD_FILES.name, record.id), full)


def records_out(rows: list[HardshipRecord], via: str) -> list[dict[str, Any]]:
    """A list's records as :func:`record_out` shows each, in a fixed number of statements
    whatever their number: members with their branches and the attachments in one query
    each (households and objections come with the rows, see ``records.LIST_LOADS``),
    and one audit entry per record whose incomes are shown, written together."""
    full = may_see_income()
    if full:
        reveal_incomes(rows, via)
    members = records.members_by_id([r.member_id for r in rows])
    files = attachments_by_owner(RECORD_FILES.name, [r.id for r in rows])
    return [_record_dict(r, members.get(r.member_id), files[r.id], full) for r in rows]


def _record_dict(
    record: HardshipRecord, member: Member | None, files: list[Any], full: bool
) -> dict[str, Any]:
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
        "household": [_person(h, full) for h in record.household],
        "objections": list(record.objections),
        "attachments": files,
        "actions": [t.name for t in RECORD_FLOW.available(record, actor)],
    }


def _person(person: Any, full: bool) -> dict[str, Any]:
    return {
        "id": person.id,
        "name": person.name,
        "relation": person.relation,
        "age": person.age,
        "health": person.health,
        "annual_income_fen": person.annual_income_fen if full else None,
    }


def campaign_detail(campaign: Campaign) -> dict[str, Any]:
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
        "targets": records.targets(campaign),
        "totals": records.campaign_totals(campaign),
    }


#: History rows that are not moves of the declaration: the first one, and an import.
START_TITLES = {"create": N_("建档申请"), "import": N_("导入已有台账")}


def history_rows(flow: Workflow, obj: Any) -> list[dict[str, Any]]:
    """A record's history for a page: the move's title and the state reached, in the
    reader's language, at Beijing time (never a key or UTC)."""
    titles = {t.name: t.title for t in flow.transitions} | START_TITLES
    return [
        {
            "at": to_shanghai(h.at).strftime("%Y-%m-%d %H:%M") if h.at else "",
            "title": _(titles.get(h.transition, h.transition)),
            "state": flow.state_title(h.to_state),
            "actor_name": h.actor_name,
            "comment": h.comment or "",
        }
        for h in flow.history(obj)
    ]
