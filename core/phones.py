"""Telephone numbers as people type them, and the one form they are matched on.

People write the same mobile number as ``137 0000 2222``, ``137-0000-2222`` or
``+86 13700002222``. Records keep what was typed (it is what the person gave, and what
a clerk reads back); matching — repeat petitions, long-term petitioners — compares
:func:`normalize_phone`, stored beside it. A masked view hides the number entirely
(:func:`mask_phone`): the last four digits with the prefix are enough to identify a
person in a county.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _
from marshmallow import ValidationError

#: What a typed number may contain.
PHONE_CHARS = frozenset("0123456789+-() ")
#: The whole of a masked number, whatever its length (the length says something too).
MASKED_PHONE = "＊＊＊＊"
_COUNTRY = re.compile(r"^(?:\+|00)?86(1\d{10})$")


def check_phone(value: str | None) -> None:
    """A marshmallow validator: digits, spaces and + - ( ), at least five digits."""
    if value is not None and (not set(value) <= PHONE_CHARS or sum(c.isdigit() for c in value) < 5):
        raise ValidationError(_("电话号码只能包含数字、空格和 + - ( )。"))


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
