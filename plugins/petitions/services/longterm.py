"""信访老户: long-term petitioners, flagged by a set-based job, each with a leader in
charge (包案领导) who reviews the case periodically.

A person — their ID number, else their phone — is flagged when, in the tenant,

* they filed at least ``longterm_min_petitions`` petitions received within the last
  ``longterm_months`` months ("frequent"), or
* a petition of theirs has stayed open longer than ``longterm_unresolved_days`` days
  ("unresolved").

:func:`flag_tenant` is two ``INSERT … SELECT … ON CONFLICT`` statements per tenant (the
periodic job runs per tenant that enables petitions, in its scope). The first review is
due one cycle (``longterm_review_months``) after flagging; the deadline scan
(:func:`scan_reviews`) lights it up on the leader's to-do list; recording a review
(:func:`record_review`) moves the next date one cycle on.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from flask import abort
from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import BigInteger, Date, and_, case, func, literal, or_, select, tuple_, update

from core import clock
from core.audit.service import record
from core.auth.models import Membership
from core.calendar import add_months, traffic_light
from core.db import db, upsert_insert, utcnow
from core.jobs.platform import BATCH_ROWS, in_batches, per_tenant
from core.plugins.settings import resolved_settings
from core.tenancy.models import Tenant
from core.tenancy.scope import current_tenant_id
from core.tenancy.session import TENANT_CHECKED
from plugins.petitions.models import LongtermPetitioner, Petition, Petitioner
from plugins.petitions.permissions import APPROVE
from plugins.petitions.queries.deadlines import OPEN_STATES

if TYPE_CHECKING:
    from core.auth.users import Actor


def _settings() -> dict[str, Any]:
    return resolved_settings(db.session.get(Tenant, current_tenant_id()), "petitions")


def _key_columns() -> tuple[Any, Any]:
    key_type = case((Petitioner.id_number.is_not(None), "id_number"), else_="phone")
    key_value = func.coalesce(Petitioner.id_number, Petitioner.phone)
    return key_type, key_value


def _insert_flags(select_rows: Any, reason: str, today: date, months: int, update_counts: bool):
    columns = [
        "tenant_id",
        "key_type",
        "key_value",
        "name",
        "reason",
        "petition_count",
        "first_received_on",
        "last_received_on",
        "flagged_on",
        "review_months",
        "next_review_on",
        "is_active",
        "created_at",
    ]
    statement = upsert_insert(LongtermPetitioner).from_select(columns, select_rows)
    if update_counts:
        statement = statement.on_conflict_do_update(
            index_elements=["tenant_id", "key_type", "key_value"],
            set_={
                "petition_count": statement.excluded.petition_count,
                "last_received_on": statement.excluded.last_received_on,
            },
        )
    else:
        statement = statement.on_conflict_do_nothing(
            index_elements=["tenant_id", "key_type", "key_value"]
        )
    # RETURNING rather than rowcount: drivers disagree on rowcount of INSERT ... SELECT.
    statement = statement.returning(LongtermPetitioner.id)
    return len(db.session.execute(statement.execution_options(**{TENANT_CHECKED: True})).all())


def _flag_rows(today: date, months: int, reason: str, *where: Any, having: Any = None) -> Any:
    """The SELECT of one flagging reason: a row per person (ID number, else phone) of
    the tenant in scope, shaped as the columns :func:`_insert_flags` writes."""
    key_type, key_value = _key_columns()
    query = (
        select(
            Petitioner.tenant_id,
            key_type,
            key_value,
            func.max(Petitioner.name),
            literal(reason),
            func.count(func.distinct(Petition.id)),
            func.min(Petition.received_on),
            func.max(Petition.received_on),
            literal(today),
            literal(months),
            literal(add_months(today, months)),
            literal(True),
            literal(utcnow()),
        )
        .join(
            Petition,
            and_(Petitioner.tenant_id == Petition.tenant_id, Petitioner.petition_id == Petition.id),
        )
        .where(Petitioner.tenant_id == current_tenant_id(), key_value.is_not(None), *where)
        .group_by(Petitioner.tenant_id, key_type, key_value)
    )
    return query.having(having) if having is not None else query


def flag_tenant(today: date | None = None) -> int:
    """Flag the tenant in scope's long-term petitioners; returns rows inserted or updated."""
    today = today or clock.today()
    settings = _settings()
    months = settings["longterm_review_months"]
    frequent = _flag_rows(
        today,
        months,
        "frequent",
        Petition.received_on >= add_months(today, -settings["longterm_months"]),
        having=func.count(func.distinct(Petition.id)) >= settings["longterm_min_petitions"],
    )
    unresolved = _flag_rows(
        today,
        months,
        "unresolved",
        Petition.state.in_(OPEN_STATES),
        Petition.received_on <= today - timedelta(days=settings["longterm_unresolved_days"]),
    )
    return _insert_flags(frequent, "frequent", today, months, True) + _insert_flags(
        unresolved, "unresolved", today, months, False
    )


def scan_reviews(
    warning_days: Mapping[int, int],
    today: date | None = None,
    *,
    batch_rows: int = BATCH_ROWS,
) -> int:
    """Light every active record's next review, for the tenants of ``warning_days``
    (tenant → its window) in one statement per batch (the deadline scan calls it)."""
    if not warning_days:
        return 0
    today = today or clock.today()
    rows = [(t, today + timedelta(days=days)) for t, days in sorted(warning_days.items())]
    w = per_tenant("w", {"tenant_id": BigInteger(), "yellow_until": Date()}, rows)

    def batch(after: tuple | None) -> Any:
        r = LongtermPetitioner.__table__.alias("r")
        pick = select(r.c.tenant_id, r.c.id, w.c.yellow_until).join(
            w, w.c.tenant_id == r.c.tenant_id
        )
        pick = pick.where(r.c.light.is_distinct_from(_review_light(r, today, w.c.yellow_until)))
        if after is not None:
            pick = pick.where(tuple_(r.c.tenant_id, r.c.id) > tuple_(*after))
        picked = pick.order_by(r.c.tenant_id, r.c.id).limit(batch_rows).subquery("s")
        table = LongtermPetitioner.__table__
        return (
            update(table)
            .where(table.c.tenant_id == picked.c.tenant_id, table.c.id == picked.c.id)
            .values(light=_review_light(table, today, picked.c.yellow_until))
            .returning(table.c.tenant_id, table.c.id)
        )

    return len(in_batches(batch, keyset=True, limit=batch_rows))


def _review_light(table: Any, today: date, yellow_until: Any) -> Any:
    due = table.c.next_review_on
    return case(
        (or_(due.is_(None), table.c.is_active.is_(False)), literal(None, type_=table.c.light.type)),
        (due < today, "red"),
        (due <= yellow_until, "yellow"),
        else_="green",
    )


# -- One record -----------------------------------------------------------------------------


def _refresh_light(row: LongtermPetitioner) -> None:
    if not row.is_active or row.next_review_on is None:
        row.light = None
    else:
        row.light = traffic_light(row.next_review_on, clock.today(), _settings()["warning_days"])


def update_record(row: LongtermPetitioner, data: dict[str, Any]) -> LongtermPetitioner:
    """Assign the leader in charge, change the cycle, or close the case (化解)."""
    if "leader_user_id" in data and data["leader_user_id"] is not None:
        member = db.session.scalar(
            select(Membership.id).where(
                Membership.user_id == data["leader_user_id"], Membership.is_active
            )
        )
        if member is None:
            raise ValidationError({"leader_user_id": [_("包案领导须是本单位的在职用户")]})
    before = {k: getattr(row, k) for k in data}
    for key, value in data.items():
        setattr(row, key, value)
    if "review_months" in data:
        start = row.last_reviewed_on or row.flagged_on
        row.next_review_on = add_months(start, row.review_months)
    _refresh_light(row)
    record(
        "petition_longterm.updated",
        obj=row,
        detail={k: {"from": str(before[k]), "to": str(getattr(row, k))} for k in data},
    )
    return row


def record_review(row: LongtermPetitioner, actor: Actor, note: str) -> LongtermPetitioner:
    """The leader in charge (or a petitions approver) records the periodic review; the
    next one falls due a cycle later."""
    if not row.is_active:
        raise ValidationError({"note": [_("该信访老户已化解销号，无需研判")]})
    if actor.user_id != row.leader_user_id and not actor.can(APPROVE):
        abort(403)
    today = clock.today()
    row.last_reviewed_on = today
    row.last_review_note = note
    row.next_review_on = add_months(today, row.review_months)
    _refresh_light(row)
    record(
        "petition_longterm.reviewed",
        obj=row,
        detail={"note": note, "next_review_on": row.next_review_on.isoformat()},
    )
    return row
