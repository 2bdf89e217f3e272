"""Mainland resident ID numbers (公民身份号码, GB 11643-1999).

Eighteen characters: a 6-digit address code, the birth date as YYYYMMDD, a 3-digit
sequence code whose parity gives the sex (odd for men), and a check character computed
from the first seventeen digits (ISO 7064 MOD 11-2; ``X`` stands for 10).
"""

from __future__ import annotations

import re
from datetime import date

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_SHAPE = re.compile(r"^\d{17}[\dX]$")
#: Nobody alive (or registered in this product) was born before this.
EARLIEST_BIRTH = date(1900, 1, 1)


def normalize(value: str) -> str:
    """What people type: spaces, a lower-case x, full-width digits from Chinese input."""
    value = value.translate(_FULL_WIDTH).replace(" ", "").replace("\u3000", "")
    return value.upper()


_FULL_WIDTH = str.maketrans("０１２３４５６７８９ｘＸ", "0123456789xX")


def check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def birth_date_of(number: str) -> date | None:
    """The birth date encoded in a well-shaped number, or None if it is not a real date."""
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def gender_of(number: str) -> str:
    """``male`` or ``female`` from the sequence code (digit 17)."""
    return "male" if int(number[16]) % 2 == 1 else "female"


def problem(number: str, today: date) -> str | None:
    """Why ``number`` (normalized) is not a valid resident ID number, as a message key:
    ``shape``, ``birth_date``, ``birth_range`` or ``checksum``; None when valid."""
    if not _SHAPE.match(number):
        return "shape"
    born = birth_date_of(number)
    if born is None:
        return "birth_date"
    if born < EARLIEST_BIRTH or born > today:
        return "birth_range"
    if check_char(number[:17]) != number[17]:
        return "checksum"
    return None


def make(region: str, born: date, sequence: int) -> str:
    """A valid number (demo data, tests): ``sequence`` 0-999, odd for men."""
    first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError(f"cannot build an ID number from {region!r}, {born}, {sequence}")
    return first17 + check_char(first17)
