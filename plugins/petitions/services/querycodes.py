"""查询码: the secret a petitioner gets once, with the serial, to follow a petition online.

Twelve characters from an alphabet without look-alikes (no 0/O, 1/I/L), about 59 bits:
guessing is hopeless within the portal's lookup limit. Only a salted scrypt digest is
stored, so a copy of the database does not let anyone follow a petition as its
petitioner. Checking costs the same whether or not the serial exists (a digest is
computed against a dummy salt) and compares in constant time, so neither the answer nor
its timing tells whether a serial exists.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from flask import url_for
from sqlalchemy import delete, select

from core.audit.service import record
from core.db import db
from core.plugins.settings import resolved_settings
from core.tenancy.models import Tenant
from plugins.petitions.models import Petition, PetitionQueryCode

#: Unambiguous when read aloud or copied by hand.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 12
GROUP = 4
#: scrypt cost: 4 MiB and a few tens of milliseconds per check, once per lookup. The
#: code's 59 random bits already make offline guessing hopeless; the cost is there so a
#: stolen table stays useless even at GPU speed, and is kept moderate because every
#: public lookup (rate-limited) pays it.
_SCRYPT = {"n": 2**12, "r": 8, "p": 1, "dklen": 32, "maxmem": 32 * 1024 * 1024}
_DUMMY_SALT = "0" * 32
_SEPARATORS = re.compile(r"[\s\-‐－—_]+")


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalize(text: str) -> str:
    """What people type back: lower case, spaces and dashes between the groups."""
    return _SEPARATORS.sub("", text or "").upper()


def grouped(code: str) -> str:
    """``ABCD-EFGH-JKMN``: easier to copy down."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def digest(code: str, salt: str) -> str:
    return hashlib.scrypt(code.encode(), salt=bytes.fromhex(salt), **_SCRYPT).hex()


def issue(petition: Petition, code: str | None = None) -> str:
    """Give ``petition`` a fresh code; returns it in clear, the only time it exists so.
    (``code`` is for the embedded demo, whose code the demo instructions print.)"""
    code = code or new_code()
    salt = secrets.token_hex(16)
    db.session.add(PetitionQueryCode(petition_id=petition.id, salt=salt, digest=digest(code, salt)))
    db.session.flush()
    return code


def reissue(petition: Petition) -> str:
    """A new code for a petition registered by staff (a letter, a visit): any earlier
    code stops working. Returns it in clear, once."""
    db.session.execute(
        delete(PetitionQueryCode).where(PetitionQueryCode.petition_id == petition.id)
    )
    return issue(petition)


def find(serial: str, code: str) -> Petition | None:
    """The petition of the tenant in scope with this serial, if ``code`` is its code.

    A wrong serial, a petition without a code (not filed online) and a wrong code all
    give ``None`` after the same work.
    """
    serial = (serial or "").strip().upper()[:20]
    row = db.session.execute(
        select(Petition, PetitionQueryCode)
        .join(
            PetitionQueryCode,
            (PetitionQueryCode.tenant_id == Petition.tenant_id)
            & (PetitionQueryCode.petition_id == Petition.id),
        )
        .where(Petition.serial == serial)
    ).first()
    salt, expected = (row[1].salt, row[1].digest) if row else (_DUMMY_SALT, "")
    given = normalize(code)
    valid_shape = len(given) == LENGTH and all(c in ALPHABET for c in given)
    actual = digest(given if valid_shape else "-" * LENGTH, salt)
    if hmac.compare_digest(actual, expected) and row is not None and valid_shape:
        return row[0]
    return None


def portal_open(tenant: Tenant) -> bool:
    """Whether ``tenant`` opened its public portal (query codes mean nothing otherwise)."""
    return bool(resolved_settings(tenant, "petitions")["portal_enabled"])


def issue_for_petitioner(petition: Petition, tenant: Tenant) -> dict[str, str]:
    """A new code for ``petition`` (any earlier one stops working); audited."""
    code = reissue(petition)
    record("petition.query_code_issued", obj=petition, detail={"serial": petition.serial})
    db.session.commit()
    return {
        "serial": petition.serial,
        "code": grouped(code),
        "portal_url": url_for("petitions_portal.index", tenant=tenant.slug, _external=True),
    }
