"""The marshmallow fields of org units and members: trimmed text, whole numbers, ID
numbers (checked, and masked for a reader without :data:`IDENTITY_PERMISSION`), choices
and yes/no as forms and spreadsheets type them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _
from marshmallow import (
    ValidationError,
    fields,
)

from core import clock
from core.auth.users import current_actor
from core.orgs import id_numbers
from core.orgs.models import (
    Member,
)
from core.permissions import VIEW_IDENTITY

#: The earliest plausible date of joining the Party (it was founded in 1921).

IDENTITY_PERMISSION = VIEW_IDENTITY


class Text(fields.String):
    """Surrounding blanks are dropped; a blank value counts as not given (None)."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str | None:
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if text:
            return text
        if self.required:
            raise self.make_error("required")
        return None

    def _validate(self, value: Any) -> None:
        if value is not None:
            super()._validate(value)


class WholeNumber(fields.Integer):
    """An integer that refuses 3.5 instead of truncating it to 3 (JSON and Excel floats)."""

    def _validated(self, value: Any) -> int:
        if isinstance(value, float) and not value.is_integer():
            raise self.make_error("invalid", input=value)
        return super()._validated(value)


class IdNumber(fields.String):
    """公民身份号码, normalized (half-width digits, upper-case X) and fully checked."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str | None:
        number = id_numbers.normalize(super()._deserialize(value, attr, data, **kwargs))
        if not number:
            if self.required:
                raise self.make_error("required")
            return None
        problem = id_numbers.problem(number, clock.today())
        if problem is not None:
            raise ValidationError(id_number_message(problem))
        return number


def id_number_message(problem: str) -> str:
    if problem == "shape":
        return _("公民身份号码应为 18 位：前 17 位是数字，最后一位是数字或 X。")
    if problem == "birth_date":
        return _("公民身份号码第 7–14 位的出生日期不是真实的日期。")
    if problem == "birth_range":
        return _("公民身份号码中的出生日期不合理（早于 1900 年或晚于今天）。")
    return _("公民身份号码校验位不正确，请逐位核对。")


class Choice(fields.String):
    """A key of ``choices``, also accepting its Chinese label (spreadsheets say 男, 正式党员)."""

    def __init__(self, choices: Mapping[str, str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.choices = dict(choices)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str | None:
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if text in self.choices:
            return text
        for key, label in self.choices.items():
            if text == label or (label.endswith("党员") and text == label[: -len("党员")]):
                return key
        if not text and not self.required:
            return None
        raise ValidationError(
            _("应为以下之一：%(choices)s。", choices="、".join(self.choices.values()))
        )


class YesNo(fields.Boolean):
    """是/否 as typed in a spreadsheet (blank means 否), besides the usual true/false."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            truthy={*fields.Boolean.truthy, "是", "√", "✓"},
            falsy={*fields.Boolean.falsy, "否", "", "×"},
            **kwargs,
        )

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> bool:
        if isinstance(value, str):
            value = value.strip()
        return super()._deserialize(value, attr, data, **kwargs)


class MaskedIdNumber(fields.String):
    """The ID number in full only for callers holding ``core.view_identity``."""

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> str | None:
        if value is None:
            return None
        if current_actor().can(IDENTITY_PERMISSION):
            return value
        return obj.masked_id_number if isinstance(obj, Member) else mask(value)


def mask(number: str) -> str:
    return number[:3] + "*" * (len(number) - 7) + number[-4:]
