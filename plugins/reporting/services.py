"""Every write of 组工信息报送: items, their moves, a level's decisions, instructions, 漏报.

An item's own moves run in its tenant. A receiving level's decision (return, decline,
adopt, forward) and a leader's instruction recorded at a level are written into the
submitter's rows — where the item and its chain live — by :func:`_on_behalf_of`: the
level must hold the item's grant, the write runs in the owner's scope (so the session
and row-level security see an ordinary write of that tenant), and both tenants' audit
logs record it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import select
from werkzeug.exceptions import NotFound

from core import clock
from core.audit.service import record
from core.auth.users import Actor
from core.db import db
from core.serials import next_serial
from core.tenancy.grants import grant, holds_grant
from core.tenancy.scope import current_tenant_id, granted_scope, tenant_scope
from core.workflow import StateChange
from plugins.reporting.commissions.services import link_answer
from plugins.reporting.deadlines import incident_due, utc
from plugins.reporting.levels import acting_as, settings_of
from plugins.reporting.models import (
    CATEGORIES,
    DOC_TYPES,
    INCIDENT_STAGES,
    LEVELS,
    Instruction,
    ItemAuthor,
    MissedReport,
    ReportItem,
    Submission,
)
from plugins.reporting.priorities.services import chosen_priorities, set_tags
from plugins.reporting.workflow import ITEM_FLOW, SUBMISSION_FLOW

EDITABLE = ("draft", "returned")
_BLANKS = re.compile(r"\s+")


def word_count(body: str) -> int:
    """字数 as local rules count it: every character except whitespace."""
    return len(_BLANKS.sub("", body))


def create_item(data: Mapping[str, Any], actor: Actor) -> ReportItem:
    """A new draft of the tenant in scope, numbered ``<prefix>-<year>-0001`` gaplessly."""
    settings = settings_of(current_tenant_id())
    tags = chosen_priorities(data.get("priority_ids"), clock.today().year)
    item = ReportItem(
        serial=next_serial(settings["serial_prefix"], width=4),
        year=clock.today().year,
        created_by=actor.user_id,
        version=1,
    )
    _apply(item, data)
    _answering(item, data)
    db.session.add(item)
    ITEM_FLOW.start(item, actor)
    _set_authors(item, data.get("author_ids") or ([actor.user_id] if actor.user_id else []))
    set_tags(item, tags)
    return item


def update_item(item: ReportItem, data: Mapping[str, Any], actor: Actor) -> ReportItem:
    """Edit a draft or a returned item (the submitted versions stay as they were)."""
    if item.state not in EDITABLE:
        raise ValidationError({"_schema": [_("只有草稿或退回修改的信息可以编辑")]})
    tags = chosen_priorities(data["priority_ids"], item.year) if "priority_ids" in data else None
    _apply(item, data)
    _answering(item, data)
    if "author_ids" in data:
        _set_authors(item, data["author_ids"])
    if tags is not None:
        set_tags(item, tags)
    ITEM_FLOW.note(item, "edited", actor)
    return item


def _answering(item: ReportItem, data: Mapping[str, Any]) -> None:
    """An answer to a parent's 约稿 names it; the request is read through its grant."""
    if "request_id" not in data:
        return
    with granted_scope("reporting: an item answers a 约稿"):
        link_answer(item, data["request_id"])


def _apply(item: ReportItem, data: Mapping[str, Any]) -> None:
    for field in ("title", "body", "category", "doc_type", "pen_name", "pen_phone"):
        if field in data:
            setattr(item, field, data[field])
    if item.category not in CATEGORIES:
        raise ValidationError({"category": [_("未知的信息类别")]})
    if item.doc_type not in DOC_TYPES:
        raise ValidationError({"doc_type": [_("未知的文种")]})
    item.word_count = word_count(item.body)
    for field in ("occurred_at", "incident_stage", "chain_parent_id"):
        if field in data:
            setattr(item, field, data[field])
    _incident_fields(item)


def _incident_fields(item: ReportItem) -> None:
    """An incident needs the time it happened; its due marks follow from the setting."""
    if item.category != "incident":
        item.occurred_at = item.due_at = item.latest_at = None
        item.incident_stage = item.chain_parent_id = None
        return
    if item.occurred_at is None:
        raise ValidationError({"occurred_at": [_("突发事件须填写发生时间")]})
    item.occurred_at = utc(item.occurred_at)
    if item.occurred_at > utc(clock.now()):
        raise ValidationError({"occurred_at": [_("发生时间不能晚于现在")]})
    item.incident_stage = item.incident_stage or "initial"
    if item.incident_stage not in INCIDENT_STAGES:
        raise ValidationError({"incident_stage": [_("未知的报告阶段")]})
    if item.incident_stage == "initial":
        item.chain_parent_id = None
    else:
        earlier = db.session.get(ReportItem, item.chain_parent_id) if item.chain_parent_id else None
        if earlier is None or earlier.category != "incident" or earlier.id == item.id:
            raise ValidationError({"chain_parent_id": [_("续报、终报须接在本单位的突发事件之后")]})
    hours = settings_of(item.tenant_id or current_tenant_id())["incident_due_hours"]
    item.due_at, item.latest_at = incident_due(item.occurred_at, hours)


def _set_authors(item: ReportItem, user_ids: list[int]) -> None:
    from core.auth.models import Membership

    members = {m.user_id for m in db.session.query(Membership).filter(Membership.is_active)}
    unknown = [u for u in user_ids if u not in members]
    if unknown:
        raise ValidationError({"author_ids": [_("作者须是本单位的用户")]})
    if item.id is None:
        db.session.flush()
    for author in db.session.query(ItemAuthor).filter(ItemAuthor.item_id == item.id):
        db.session.delete(author)
    db.session.flush()
    for position, user_id in enumerate(dict.fromkeys(user_ids)):
        db.session.add(ItemAuthor(item_id=item.id, user_id=user_id, position=position))


def move_item(item: ReportItem, name: str, actor: Actor, comment: str | None = None) -> StateChange:
    """One of the item's own moves, made in its tenant."""
    return ITEM_FLOW.fire(item, name, actor, comment=comment)


def decide(
    submission: Submission,
    name: str,
    actor: Actor,
    comment: str | None = None,
    data: Mapping[str, Any] | None = None,
) -> StateChange:
    """A receiving level's move on a submission (return, decline, adopt, forward)."""
    with _on_behalf_of(submission.tenant_id, submission.item_id, f"submission.{name}"):
        return SUBMISSION_FLOW.fire(submission, name, actor, comment=comment, data=data)


def record_instruction(item: ReportItem, data: Mapping[str, Any], actor: Actor) -> Instruction:
    """领导批示, recorded by the item's tenant or any level it reached."""
    if data["leader_level"] not in LEVELS:
        raise ValidationError({"leader_level": [_("未知的领导层级")]})
    acting = current_tenant_id()
    with _on_behalf_of(item.tenant_id, item.id, "instruction"):
        instruction = Instruction(
            item_id=item.id,
            recorded_by_tenant_id=acting,
            recorded_by=actor.user_id,
            leader_name=data["leader_name"],
            leader_level=data["leader_level"],
            text=data["text"],
            instructed_on=data.get("instructed_on") or clock.today(),
        )
        db.session.add(instruction)
        ITEM_FLOW.note(item, "instructed", actor, comment=data["text"])
    return instruction


def record_missed_report(
    child_tenant_id: int, title: str, occurred_at: datetime, note: str | None, actor: Actor
) -> MissedReport:
    """漏报: the tenant in scope records an incident a child never reported; the child
    reads the record through a grant."""
    from core.tenancy.models import Tenant

    child = db.session.get(Tenant, child_tenant_id)
    if child is None or child.parent_id != current_tenant_id():
        raise ValidationError({"child_tenant_id": [_("只能对本单位的直属下级登记漏报")]})
    missed = MissedReport(
        child_tenant_id=child_tenant_id,
        title=title,
        occurred_at=utc(occurred_at),
        note=note,
        recorded_by=actor.user_id,
    )
    db.session.add(missed)
    db.session.flush()
    grant(missed, child_tenant_id, "reporting: 漏报 recorded against the child")
    record("reporting.missed_report", obj=missed, detail={"child": child_tenant_id})
    return missed


def record_in_issue(owner: int, item_id: int, label: str, actor: Actor) -> None:
    """采用于《…》2026年第12期: the tenant in scope printed the item in an issue; its
    submission to this tenant (in the owner's rows) and the item's history say so."""
    acting = current_tenant_id()
    with _on_behalf_of(owner, item_id, "issue"):
        submission = db.session.scalar(
            select(Submission).where(
                Submission.item_id == item_id, Submission.receiver_tenant_id == acting
            )
        )
        item = db.session.get(ReportItem, item_id)
        if submission is not None:
            submission.issue_label = label
        ITEM_FLOW.note(item, "in_issue", actor, comment=label)


@contextmanager
def _on_behalf_of(owner: int, item_id: int, what: str) -> Iterator[None]:
    """Write into the item owner's rows as the tenant in scope, which must be the owner
    or hold the item's grant (anything else is simply not found)."""
    acting = current_tenant_id()
    if acting == owner:
        yield
        return
    with tenant_scope(owner):
        item = db.session.get(ReportItem, item_id)
    if item is None or not holds_grant(item, acting):
        raise NotFound()
    record(
        "reporting.on_behalf",
        object_type="reporting_items",
        object_id=item_id,
        detail={"owner": owner, "what": what},
    )
    with acting_as(acting), tenant_scope(owner):
        yield
