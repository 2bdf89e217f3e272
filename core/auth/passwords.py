"""Which passwords are refused: too short, on the list of common ones, or made of
repetitions and keyboard or alphabet runs (``aaaaaaaaaa``, ``1234567890``, ``qwertyuiop``).

Production accounts need :data:`PRODUCTION_MIN` characters; the embedded demo keeps
:data:`EMBEDDED_MIN`. Every place that sets a password (the admin pages and API, the
tenant manifests, ``zugong users create``) validates with :func:`validate_password`.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from flask import current_app, has_app_context
from flask_babel import gettext as _
from marshmallow import ValidationError

EMBEDDED_MIN, PRODUCTION_MIN, MAX_LENGTH = 10, 12, 200
#: Runs a person types without thinking; a password inside one (either way) is refused.
_RUNS = (
    "01234567890",
    "abcdefghijklmnopqrstuvwxyz",
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik,9ol.0p;/",
    "qazwsxedcrfvtgbyhnujmikolp",
    "1q2w3e4r5t6y7u8i9o0p",
)
#: Fewer distinct characters than this is a repetition, whatever the length.
_MIN_DISTINCT = 4


@cache
def common_passwords() -> frozenset[str]:
    text = resources.files("core.auth").joinpath("common_passwords.txt").read_text("utf-8")
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and line[0] != "#"
    )


def min_length() -> int:
    production = has_app_context() and current_app.config.get("ENV_NAME") == "production"
    return PRODUCTION_MIN if production else EMBEDDED_MIN


def password_problem(password: str) -> str | None:
    """Why ``password`` is refused (a message in the user's language), or ``None``."""
    if len(password) < min_length():
        return _("密码至少需要 %(min)s 个字符。", min=min_length())
    if len(password) > MAX_LENGTH:
        return _("密码最多 %(max)s 个字符。", max=MAX_LENGTH)
    lowered = password.lower()
    if lowered in common_passwords():
        return _("这个密码太常见，很容易被猜中，请换一个。")
    if _is_repetitive(lowered):
        return _(
            "密码不能只由重复或连续的字符组成（如 aaaaaaaaaa、1234567890），容易被猜中，请换一个。"
        )
    return None


def _is_repetitive(lowered: str) -> bool:
    if len(set(lowered)) < _MIN_DISTINCT:
        return True
    for size in range(1, len(lowered) // 2 + 1):  # a unit repeated: abcdabcdabcd
        if len(lowered) % size == 0 and lowered[:size] * (len(lowered) // size) == lowered:
            return True
    return any(lowered in run or lowered in run[::-1] for run in _RUNS)


def validate_password(password: str) -> None:
    """A marshmallow validator: raises ``ValidationError`` with the reason."""
    problem = password_problem(password)
    if problem is not None:
        raise ValidationError(problem)
