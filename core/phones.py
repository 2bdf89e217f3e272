"""Chinese telephone numbers as people write them: a mainland mobile number (11 digits
starting 13–19, optionally after +86) or a landline with its area code (0 and two or
three digits, then a 7- or 8-digit number, optionally an extension: ``0571-88880000``,
``(010) 6512 3456``, ``0571-88880000-123``).

Spaces, brackets round the area code and hyphens are allowed as written; what is stored is what was
typed. A number without an area code cannot be dialled from another county, so it is
refused: the clerk's call back to a petitioner must reach them.

Matching — repeat petitions, long-term petitioners — compares :func:`normalize_phone`,
stored beside what was typed: ``137 0000 2222``, ``137-0000-2222`` and ``+86
13700002222`` are one number. A masked view hides the number entirely
(:func:`mask_phone`): the prefix and the last four digits are enough to identify a
person in a county."""

from __future__ import annotations

import re

from flask_babel import gettext as _
from marshmallow import ValidationError

#: The whole of a masked number, whatever its length (the length says something too).
MASKED_PHONE = "＊＊＊＊"
_COUNTRY = re.compile(r"^(?:\+|00)?86(1\d{10})$")
_SPACING = re.compile(r"[\s()（）]")
_MOBILE = re.compile(r"^(?:\+?86)?1[3-9]\d{9}$")
#: Area code, an optional hyphen, the local number (never starting 0 or 1), and an
#: optional extension after ``-``, ``#`` or ``转``.
_LANDLINE = re.compile(r"^0\d{2,3}-?[2-9]\d{6,7}(?:[-#转]\d{1,6})?$")


def is_phone(text: str) -> bool:
    """Whether ``text`` is a mainland mobile number or a landline with area code."""
    compact = _SPACING.sub("", text).replace("－", "-")
    return bool(_MOBILE.match(compact.replace("-", "")) or _LANDLINE.match(compact))


def phone_error() -> str:
    """The message for a number that is not one (in the user's language)."""
    return _("请填写 11 位手机号码（1 开头），或带区号的固定电话（如 0571-88880000）。")


def check_phone(value: str | None) -> None:
    """Marshmallow validator: a clear Chinese error for anything but a phone number."""
    if value is not None and value.strip() and not is_phone(value):
        raise ValidationError(phone_error())


def normalize_phone(value: str | None) -> str | None:
    """The digits of ``value``, without China's country code before a mobile number
    (``+86 137 0000 2222`` → ``13700002222``); ``None`` for nothing typed."""
    if value is None:
        return None
    compact = "".join(c for c in value.strip() if c.isdigit() or c == "+")
    digits = compact.replace("+", "")
    if not digits:
        return None
    mobile = _COUNTRY.match(compact)
    return mobile.group(1) if mobile else digits


def mask_phone(value: str | None) -> str | None:
    """A number shown to someone who may not see it: nothing of it, only that there is one."""
    return MASKED_PHONE if value and value.strip() else None
