"""Registering a petition (登记) and finding the earlier petition it repeats (重复件)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from sqlalchemy import or_, select

from core.calendar import add_months
from core.db import db
from core.phones import normalize_phone
from core.serials import next_serial
from core.tenancy.scope import current_tenant_id
from core.workflow import TransitionForbidden
from plugins.petitions.models import Petition, Petitioner, ReportedPerson
from plugins.petitions.queries.deadlines import accept_due, return_due, set_due, settings_of
from plugins.petitions.workflow import PETITION_FLOW, REGISTER

if TYPE_CHECKING:
    from core.auth.users import Actor

SERIAL_PREFIX = "XF"
#: Petitions of the same person about the same category within this many months repeat.
REPEAT_MONTHS = 12

PETITION_FIELDS = {
    "received_on",
    "channel",
    "is_12380",
    "kind",
    "category_id",
    "summary",
    "details",
    "urgency",
    "people_count",
    "is_bypassed_level",
    "is_anonymous",
    "source_tenant_id",
    "source_petition_id",
}
PETITIONER_FIELDS = {"name", "id_number", "phone", "address", "is_representative"}
REPORTED_FIELDS = {"name", "unit", "post", "cadre_rank", "user_id"}


def register(
    data: Mapping[str, Any],
    petitioners: Iterable[Mapping[str, Any]],
    reported_persons: Iterable[Mapping[str, Any]],
    actor: Actor,
) -> Petition:
    """Register a petition in the tenant in scope: serial, deadlines, repeat link, and the
    workflow's first history row. The caller commits."""
    if not actor.can(REGISTER):
        raise TransitionForbidden(_("您没有登记信访件的权限"))
    people = _people(petitioners)
    petition = Petition(
        tenant_id=current_tenant_id(),
        **{k: v for k, v in data.items() if k in PETITION_FIELDS},
    )
    if petition.people_count is None:
        petition.people_count = max(len(people), 1)
    if petition.is_anonymous:
        people = []
    _stamp(petition, people)
    db.session.add(petition)
    PETITION_FLOW.start(petition, actor)  # sets the state, flushes for the id, logs
    db.session.add_all(Petitioner(petition_id=petition.id, **p) for p in people)
    db.session.add_all(
        ReportedPerson(
            petition_id=petition.id, **{k: v for k, v in r.items() if k in REPORTED_FIELDS}
        )
        for r in reported_persons
    )
    db.session.flush()
    return petition


def _people(petitioners: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The petitioners' own fields, ID numbers in the one form repeats are matched on."""
    people = [{k: v for k, v in p.items() if k in PETITIONER_FIELDS} for p in petitioners]
    for person in people:
        if person.get("id_number"):
            person["id_number"] = person["id_number"].strip().upper()
    return people


def _stamp(petition: Petition, people: list[dict[str, Any]]) -> None:
    """Serial, the deadlines that run from receipt, and the earlier petition repeated."""
    settings = settings_of(petition)
    petition.serial = next_serial(SERIAL_PREFIX, width=6, year=petition.received_on.year)
    set_due(petition, "accept_due", accept_due(petition.received_on, settings))
    if petition.source_tenant_id is not None:
        set_due(petition, "return_due", return_due(petition.received_on, settings))
    petition.repeat_of_id = find_repeat_of(
        petition.received_on,
        petition.category_id,
        [p.get("id_number") for p in people],
        [p.get("phone") for p in people],
    )


def find_repeat_of(
    received_on: date,
    category_id: int | None,
    id_numbers: Iterable[str | None],
    phones: Iterable[str | None],
    *,
    exclude_id: int | None = None,
) -> int | None:
    """The earliest petition of the tenant in scope, received within
    :data:`REPEAT_MONTHS` months before ``received_on``, in the same category, from a
    petitioner with one of these ID numbers or phone numbers — one query."""
    ids = sorted({i.strip().upper() for i in id_numbers if i and i.strip()})
    # Matched in one form (core.phones): 137 0000 2222, 137-0000-2222, +86 13700002222.
    tels = sorted({n for t in phones if (n := normalize_phone(t))})
    if category_id is None or not (ids or tels):
        return None
    matches = []
    if ids:
        matches.append(Petitioner.id_number.in_(ids))
    if tels:
        matches.append(Petitioner.phone_normalized.in_(tels))
    query = (
        select(Petition.id)
        .join(
            Petitioner,
            (Petitioner.tenant_id == Petition.tenant_id) & (Petitioner.petition_id == Petition.id),
        )
        .where(
            Petition.category_id == category_id,
            Petition.received_on >= add_months(received_on, -REPEAT_MONTHS),
            Petition.received_on <= received_on,
            or_(*matches),
        )
        .order_by(Petition.received_on, Petition.id)
        .limit(1)
    )
    if exclude_id is not None:
        query = query.where(Petition.id != exclude_id)
    return db.session.scalar(query)
