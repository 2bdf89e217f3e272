"""Members: registering, changing and striking off, and who looked at an ID number.

Input comes already loaded by the schemas; checks that need the stored row (a partial
update contradicting what is stored, a duplicate ID number) raise
:class:`marshmallow.ValidationError` keyed by field. Every change, and every full ID
number shown, leaves its audit entry; nothing here commits.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import abort
from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import select

from core.audit.service import record
from core.db import MAX_DB_ID, db
from core.orgs import id_numbers
from core.orgs.changes import apply_changes, snapshot
from core.orgs.checks import member_problems
from core.orgs.models import Member

MEMBER_FIELDS = (
    "name",
    "gender",
    "birth_date",
    "id_number",
    "phone",
    "branch_id",
    "joined_on",
    "status",
    "is_retired",
    "is_unemployed",
    "is_floating",
    "notes",
)


def member_or_404(member_id: int) -> Member:
    member = db.session.get(Member, member_id) if 0 < member_id <= MAX_DB_ID else None
    if member is None:
        abort(404)
    return member


# -- changes ----------------------------------------------------------------------------


def _check_unique_id_number(number: str | None, member_id: int | None) -> None:
    if not number:
        return
    clash = db.session.scalar(
        select(Member.id).where(Member.id_number == number, Member.is_active).limit(1)
    )
    if clash is not None and clash != member_id:
        raise ValidationError(
            {"id_number": [_("该公民身份号码已登记（党员编号 %(id)s）。", id=clash)]}
        )


def _with_birth_date(values: dict[str, Any]) -> dict[str, Any]:
    """A birth date not given is read from the ID number."""
    number = values.get("id_number")
    if number and values.get("birth_date") is None:
        values["birth_date"] = id_numbers.birth_date_of(number)
    return values


def create_member(data: Mapping[str, Any], *, bulk: bool = False) -> Member:
    """One member, audited; ``bulk`` (imports) leaves the duplicate check, the flush and
    the audit entry to the caller, which does them once for the whole file."""
    values = _with_birth_date({k: data[k] for k in MEMBER_FIELDS if k in data})
    member = Member(**values)
    if not bulk:
        _check_unique_id_number(values.get("id_number"), None)
    db.session.add(member)
    if not bulk:
        db.session.flush()
        record("member.created", obj=member, detail={"after": snapshot(member, MEMBER_FIELDS)})
    return member


def update_member(member: Member, changes: Mapping[str, Any]) -> Member:
    """A partial update, checked as a whole against what is stored."""
    changes = {k: changes[k] for k in MEMBER_FIELDS if k in changes}
    for flag in ("status", "is_retired", "is_unemployed", "is_floating"):
        if flag in changes and changes[flag] is None:
            changes.pop(flag)
    merged = {name: getattr(member, name) for name in MEMBER_FIELDS} | changes
    number = merged["id_number"]
    new_number = "id_number" in changes and "birth_date" not in changes
    if number and (new_number or merged["birth_date"] is None):
        # A birth date not given is read from the ID number (a new number brings its own).
        changes["birth_date"] = merged["birth_date"] = id_numbers.birth_date_of(number)
    errors = member_problems(merged)
    if errors:
        raise ValidationError(errors)
    if changes.get("id_number") != member.id_number:
        _check_unique_id_number(changes.get("id_number"), member.id)
    before, after = apply_changes(member, changes)
    if after:
        record("member.updated", obj=member, detail={"before": before, "after": after})
    return member


def deactivate_member(member: Member) -> Member:
    """Struck off the register (death, transfer out, leaving): kept, never deleted."""
    if member.is_active:
        member.is_active = False
        record("member.deactivated", obj=member, detail={"before": {"is_active": True}})
    return member


# -- identity numbers -------------------------------------------------------------------


def reveal_identity(member: Member, via: str) -> str | None:
    """The full ID number, and an audit entry saying who looked at whose, and how."""
    record(
        "member.identity_viewed",
        obj=member,
        detail={"via": via, "name": member.name, "masked": member.masked_id_number},
    )
    return member.id_number


def audit_identity_disclosure(members: list[Member], via: str) -> None:
    """A response carrying full ID numbers (list, export) is a view of each of them."""
    shown = [m.id for m in members if m.id_number]
    if shown:
        record(
            "member.identity_viewed",
            object_type="members",
            detail={"via": via, "member_ids": shown, "count": len(shown)},
        )
