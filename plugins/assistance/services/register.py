"""Writes of the hardship register (困难党员台账): an application, the documents handed
in, objections during the public notice and their resolution.

:func:`apply` takes what :class:`~plugins.assistance.schemas.RecordIn` loaded (types,
choices and ranges are the schema's) and checks only what needs the database or the
tenant's settings: the member, the income threshold, the exclusions, one open record.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from marshmallow import ValidationError

from core import clock
from core.audit.service import record as audit
from core.audit.service import record_each as audit_each
from core.db import db
from core.locking import lock_for_update
from core.money import yuan
from core.serials import next_serial
from plugins.assistance.models import HardshipRecord, HouseholdMember, Objection
from plugins.assistance.permissions import APPROVE, REGISTER
from plugins.assistance.queries import records
from plugins.assistance.services.checks import require
from plugins.assistance.settings import per_capita_threshold_fen
from plugins.assistance.workflow import RECORD_FLOW

if TYPE_CHECKING:
    from core.auth.users import Actor
    from core.orgs.models import Member

#: 组织生活: unpaid dues for this many months exclude a member (published local rules).
DUES_ARREARS_EXCLUDE_MONTHS = 6


def apply(data: Mapping[str, Any], actor: Actor) -> HardshipRecord:
    """困难党员申请 from loaded :class:`RecordIn` data: checks the member, the exclusions
    and the income threshold, then starts the identification workflow."""
    require(actor, REGISTER)
    member = records.find_member(data["member_id"])
    if member is None or not member.is_active:
        raise ValidationError({"member_id": [_("党员不存在或已停用")]})
    people = list(data.get("household") or [])
    income = data.get("household_income_fen")
    if income is None:
        income = sum(p.get("annual_income_fen", 0) for p in people)
    size = data.get("household_size") or max(len(people), 1)
    _check_eligible(data, member, income // size)
    record = HardshipRecord(
        serial=next_serial("KN", width=4, year=clock.today().year),
        member_id=member.id,
        applied_on=data.get("applied_on") or clock.today(),
        applied_by_member=data.get("applied_by_member", True),
        category=data["category"],
        level=data["level"],
        causes=list(data["causes"]),
        household_income_fen=income,
        household_size=size,
        per_head_income_fen=income // size,
        documents=list(data.get("documents") or []),
        notes=data.get("notes"),
    )
    db.session.add(record)
    RECORD_FLOW.start(record, actor)
    db.session.add_all(_household_row(record, person) for person in people)
    db.session.flush()
    return record


def _household_row(record: HardshipRecord, person: Mapping[str, Any]) -> HouseholdMember:
    return HouseholdMember(
        record_id=record.id,
        name=person["name"].strip(),
        relation=person.get("relation") or "other",
        age=person.get("age"),
        health=person.get("health"),
        annual_income_fen=person.get("annual_income_fen", 0),
    )


def _check_eligible(data: Mapping[str, Any], member: Member, per_head_fen: int) -> None:
    """The rules that need the tenant: the per-capita income line, the veteran's
    joining date, the exclusions and one record in progress per member."""
    limit = per_capita_threshold_fen(records.settings())
    if data["category"] == "rural_low_income" and per_head_fen >= limit:
        message = _("家庭人均年收入须低于 %(limit)s 元（本单位认定标准）", limit=yuan(limit))
        raise ValidationError({"household_income_fen": [message]})
    if data["category"] == "veteran" and not member.is_veteran:
        raise ValidationError({"category": [_("该党员入党时间不在建国前")]})
    excluded = _exclusion(data)
    if excluded:
        raise ValidationError({"member_id": [excluded]})
    serial = records.open_record_serial(member.id)
    if serial:
        raise ValidationError({"member_id": [_("该党员已有台账 %(serial)s", serial=serial)]})


def _exclusion(data: Mapping[str, Any]) -> str | None:
    if (data.get("dues_unpaid_months") or 0) >= DUES_ARREARS_EXCLUDE_MONTHS:
        return _("连续六个月未交党费的，不得认定为困难党员")
    if data.get("rated_unqualified_recently"):
        return _("近三年民主评议被评为不合格党员的，不得认定为困难党员")
    if data.get("under_disciplinary_review"):
        return _("正在接受纪律审查的，不得认定为困难党员")
    return None


def update_documents(record: HardshipRecord, documents: list[str], actor: Actor) -> None:
    require(actor, REGISTER)
    if record.state not in ("applied", "branch_reviewed"):
        raise ValidationError({"documents": [_("已进入公示，不能再修改材料")]})
    record.documents = sorted({d.strip() for d in documents if d and d.strip()})
    audit("assistance.documents", obj=record, detail={"documents": record.documents})


def raise_objection(record: HardshipRecord, content: str, actor: Actor) -> Objection:
    """An objection recorded during the notice period (公示期内)."""
    require(actor, REGISTER)
    if record.state != "in_notice":
        raise ValidationError({"content": [_("只有公示期间才能登记异议")]})
    if not (content or "").strip():
        raise ValidationError({"content": [_("须填写异议内容")]})
    objection = Objection(record_id=record.id, raised_on=clock.today(), content=content.strip())
    db.session.add(objection)
    db.session.flush()
    audit("assistance.objection", obj=record, detail={"objection_id": objection.id})
    return objection


def resolve_objection(objection: Objection, resolution: str, upheld: bool, actor: Actor) -> None:
    require(actor, APPROVE)
    lock_for_update(objection)  # resolved twice at once: the second sees the first
    if objection.resolved_on is not None:
        raise ValidationError({"resolution": [_("该异议已处理")]})
    if not (resolution or "").strip():
        raise ValidationError({"resolution": [_("须填写核实处理意见")]})
    objection.resolution = resolution.strip()
    objection.upheld = bool(upheld)
    objection.resolved_on = clock.today()
    audit(
        "assistance.objection_resolved",
        obj=objection,
        detail={"record_id": objection.record_id, "upheld": objection.upheld},
    )


def reveal_income(record: HardshipRecord, via: str) -> None:
    """Household income details were shown in full: audit it."""
    audit("assistance.income_viewed", obj=record, detail={"via": via})


def reveal_incomes(rows: list[HardshipRecord], via: str) -> None:
    """:func:`reveal_income` for each record of a list, written together."""
    audit_each("assistance.income_viewed", rows, detail={"via": via})
