"""Registering a petition (登记) and finding the earlier petition it repeats (重复件)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from difflib import SequenceMatcher
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from core.calendar import add_months
from core.db import db
from core.phones import normalize_phone
from core.serials import next_serial
from core.tenancy.scope import current_tenant_id
from core.workflow import TransitionForbidden
from plugins.petitions.models import Petition, Petitioner, ReportedPerson
from plugins.petitions.permissions import REGISTER
from plugins.petitions.queries.deadlines import accept_due, return_due, set_due, settings_of
from plugins.petitions.workflow import PETITION_FLOW

if TYPE_CHECKING:
    from core.auth.users import Actor

SERIAL_PREFIX = "XF"
#: Petitions of the same person about the same category within this many months repeat.
REPEAT_MONTHS = 12
#: Earlier petitions of one person looked at (oldest first) when matching a repeat.
REPEAT_CANDIDATES = 50
#: Without a category, summaries this alike (and this long) are one matter.
SUMMARY_MIN = 4
SUMMARY_RATIO = 0.75

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
REPORTED_FIELDS = {"name", "unit", "unit_id", "post", "cadre_rank", "user_id"}


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
    reported_persons = list(reported_persons)
    names = [r["name"] for r in reported_persons if r.get("name")]
    petition = Petition(
        tenant_id=current_tenant_id(),
        **{k: v for k, v in data.items() if k in PETITION_FIELDS},
    )
    if petition.people_count is None:
        petition.people_count = max(len(people), 1)
    if petition.is_anonymous:
        people = []
    _stamp(petition, people, names)
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
    relink_later(petition, people, names)
    return petition


def _people(petitioners: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The petitioners' own fields, ID numbers in the one form repeats are matched on."""
    people = [{k: v for k, v in p.items() if k in PETITIONER_FIELDS} for p in petitioners]
    for person in people:
        if person.get("id_number"):
            person["id_number"] = person["id_number"].strip().upper()
    return people


def _stamp(petition: Petition, people: list[dict[str, Any]], names: list[str]) -> None:
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
        summary=petition.summary,
        reported_names=names,
    )


def find_repeat_of(
    received_on: date,
    category_id: int | None,
    id_numbers: Iterable[str | None],
    phones: Iterable[str | None],
    *,
    summary: str | None = None,
    reported_names: Iterable[str | None] = (),
    exclude_id: int | None = None,
) -> int | None:
    """The earliest petition of the tenant in scope, received within
    :data:`REPEAT_MONTHS` months before ``received_on``, from a petitioner with one of
    these ID numbers or phone numbers, on the same matter (:func:`same_matter`)."""
    window = (add_months(received_on, -REPEAT_MONTHS), received_on)
    matter = Matter(category_id, summary, frozenset(n for n in reported_names if n))
    for row in same_person(id_numbers, phones, window, exclude_id):
        if same_matter(row, matter):
            return row.id
    return None


def relink_later(petition: Petition, people: list[dict[str, Any]], names: list[str]) -> None:
    """A back-dated registration: petitions of the same person on the same matter
    received after this one (within the look-back window) repeat it, unless they are
    linked to one received earlier still."""
    window = (petition.received_on, add_months(petition.received_on, REPEAT_MONTHS))
    matter = Matter(petition.category_id, petition.summary, frozenset(names))
    later = same_person(
        [p.get("id_number") for p in people], [p.get("phone") for p in people], window, petition.id
    )
    for row in later:
        if row.received_on == petition.received_on and row.id < petition.id:
            continue  # registered first on the same day: it is the earlier one
        if not same_matter(row, matter):
            continue
        current = db.session.get(Petition, row.repeat_of_id) if row.repeat_of_id else None
        if current is None or current.received_on > petition.received_on:
            row.repeat_of_id = petition.id


@dataclass(frozen=True)
class Matter:
    """What makes two petitions of one person the same matter."""

    category_id: int | None
    summary: str | None
    reported_names: frozenset[str]


def same_person(
    id_numbers: Iterable[str | None],
    phones: Iterable[str | None],
    window: tuple[date, date],
    exclude_id: int | None,
) -> list[Petition]:
    """The petitions received within ``window`` (both ends) from a petitioner with one of
    these ID numbers or phones (in one form, core.phones), oldest first — one query."""
    ids = sorted({i.strip().upper() for i in id_numbers if i and i.strip()})
    tels = sorted({n for t in phones if (n := normalize_phone(t))})
    if not (ids or tels):
        return []
    matches = []
    if ids:
        matches.append(Petitioner.id_number.in_(ids))
    if tels:
        matches.append(Petitioner.phone_normalized.in_(tels))
    query = (
        select(Petition)
        .join(
            Petitioner,
            (Petitioner.tenant_id == Petition.tenant_id) & (Petitioner.petition_id == Petition.id),
        )
        .where(
            Petition.received_on >= window[0],
            Petition.received_on <= window[1],
            or_(*matches),
        )
        .options(selectinload(Petition.reported_persons))
        .order_by(Petition.received_on, Petition.id)
        .limit(REPEAT_CANDIDATES)
    )
    if exclude_id is not None:
        query = query.where(Petition.id != exclude_id)
    return list(dict.fromkeys(db.session.scalars(query)))


def same_matter(row: Petition, matter: Matter) -> bool:
    """Both in one category; or, where either has no category, the same reported person
    or a similar summary (a category is often chosen only later)."""
    if row.category_id is not None and matter.category_id is not None:
        return row.category_id == matter.category_id
    if matter.reported_names & {r.name for r in row.reported_persons if r.name}:
        return True
    return similar_summary(row.summary, matter.summary)


def similar_summary(a: str | None, b: str | None) -> bool:
    """One summary contains the other, or they share most of their characters in order
    (punctuation and spaces left out): "反映退休待遇问题" and "再次反映退休待遇问题"."""
    x, y = _plain(a), _plain(b)
    if len(x) < SUMMARY_MIN or len(y) < SUMMARY_MIN:
        return False
    return x in y or y in x or SequenceMatcher(None, x, y).ratio() >= SUMMARY_RATIO


def _plain(text: str | None) -> str:
    return "".join(ch for ch in (text or "") if ch.isalnum())
