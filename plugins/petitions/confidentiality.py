"""Who may see whose identity (信访工作条例 Art. 30: the reporter's identity is secret).

Two rules, applied the same way by pages, the API and the ledger export:

* the identity of a reporter — every petitioner of a 检举控告 petition: name, ID number,
  phone and address — is hidden from users without ``petitions.view_identity``;
* every ID number is masked for users without it.

Users holding the permission also see the masked form by default; they disclose the full
identity on purpose (:func:`reveal`), and every disclosure — one petition on screen, a
whole exported ledger — leaves an audit entry.
"""

from __future__ import annotations

from typing import Any

from core.audit.service import record
from core.auth.users import current_actor
from plugins.petitions.models import LongtermPetitioner, Petition, Petitioner
from plugins.petitions.permissions import VIEW_IDENTITY

#: What stands in for a withheld name or address.
HIDDEN = "***"


def is_reporter(petition: Petition) -> bool:
    """The petitioners of a 检举控告 are reporters (检举人): their identity is secret."""
    return petition.kind == "report"


def may_view_identity() -> bool:
    return current_actor().can(VIEW_IDENTITY)


def has_identity(petition: Petition) -> bool:
    """Whether anything about this petition's petitioners is withheld by default."""
    return any(is_reporter(petition) or p.id_number for p in petition.petitioners)


def masked_petitioner(petition: Petition, person: Petitioner) -> dict[str, Any]:
    """What anybody may see of one petitioner without a disclosure."""
    row: dict[str, Any] = {
        "id": person.id,
        "is_representative": person.is_representative,
        "id_number": person.masked_id_number,
        "identity_hidden": is_reporter(petition),
    }
    if is_reporter(petition):
        row |= {
            "name": HIDDEN if person.name else None,
            "phone": person.masked_phone,
            "address": HIDDEN if person.address else None,
        }
    else:
        row |= {"name": person.name, "phone": person.phone, "address": person.address}
    return row


def full_petitioner(person: Petitioner) -> dict[str, Any]:
    return {
        "id": person.id,
        "is_representative": person.is_representative,
        "name": person.name,
        "id_number": person.id_number,
        "phone": person.phone,
        "address": person.address,
        "identity_hidden": False,
    }


def petitioner_rows(petition: Petition) -> list[dict[str, Any]]:
    """The petitioners as shown by default (masked, whoever looks)."""
    return [masked_petitioner(petition, p) for p in petition.petitioners]


def reveal(petition: Petition, via: str) -> list[dict[str, Any]]:
    """The full identity of the petitioners, for a holder of the permission (the caller
    checks it), and the audit entry saying who looked, at which petition, and how."""
    record(
        "petition.identity_viewed",
        obj=petition,
        detail={
            "via": via,
            "serial": petition.serial,
            "reporter": is_reporter(petition),
            "petitioner_ids": [p.id for p in petition.petitioners],
        },
    )
    return [full_petitioner(p) for p in petition.petitioners]


def ledger_names(petition: Petition, *, full: bool) -> str:
    """The petitioners' names for a ledger row: a reporter's stay out unless ``full``."""
    if is_reporter(petition) and not full:
        return HIDDEN if petition.petitioners else ""
    return "、".join(p.name for p in petition.petitioners if p.name)


def ledger_contacts(petition: Petition, *, full: bool) -> str:
    """Phones (and ID numbers when ``full``) of the petitioners for a ledger row."""
    parts: list[str] = []
    for p in petition.petitioners:
        if is_reporter(petition) and not full:
            continue
        bits = [p.phone or ""]
        bits.append(p.id_number if full else (p.masked_id_number or ""))
        parts.append(" ".join(b for b in bits if b))
    return "；".join(x for x in parts if x)


def masked_key(row: LongtermPetitioner) -> str:
    """A long-term petitioner's ID number or phone with the middle hidden."""
    value = row.key_value or ""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]
