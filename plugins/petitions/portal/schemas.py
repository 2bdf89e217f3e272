"""The public portal's schemas: what the public files, looks up and rates (JSON refuses
unknown fields, the HTML forms ignore the CSRF token and buttons), and what its JSON API
answers."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext as _
from marshmallow import (
    EXCLUDE,
    Schema,
    ValidationError,
    fields,
    validate,
    validates_schema,
)

from core.db import MAX_DB_ID
from core.orgs.fields import IdNumber, Text
from core.phones import is_phone, phone_error
from plugins.petitions.models import KINDS, SATISFACTIONS

SUMMARY_MAX = 1000


DETAILS_MAX = 10_000


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class PlainText(Text):
    """Text a person typed: no control characters (PostgreSQL refuses NUL, and none of
    them belongs in a letter); markup is kept as typed and shown escaped."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str | None:
        text = super()._deserialize(value, attr, data, **kwargs)
        if text is not None and _CONTROL.search(text):
            raise ValidationError(_("含有不可见的控制字符，请删除后重新填写。"))
        return text


def _length(maximum: int, minimum: int | None = None) -> validate.Length:
    return validate.Length(min=minimum, max=maximum)


class PortalPetitionIn(Schema):
    """A petition as the public files it (JSON: unknown fields are refused)."""

    is_anonymous = fields.Boolean(load_default=False, metadata={"title": "匿名反映"})
    name = PlainText(validate=_length(50), metadata={"title": "姓名"})
    phone = PlainText(validate=_length(20), metadata={"title": "联系电话"})
    id_number = IdNumber(metadata={"title": "公民身份号码"})
    address = PlainText(validate=_length(200), metadata={"title": "联系地址"})
    kind = fields.String(
        required=True, validate=validate.OneOf(list(KINDS)), metadata={"title": "性质"}
    )
    category_id = fields.Integer(
        strict=False,
        validate=validate.Range(min=1, max=MAX_DB_ID),
        allow_none=True,
        metadata={"title": "问题类别"},
    )
    summary = PlainText(
        required=True, validate=_length(SUMMARY_MAX, 1), metadata={"title": "主要问题"}
    )
    details = PlainText(validate=_length(DETAILS_MAX), metadata={"title": "详细情况"})
    reported_name = PlainText(validate=_length(50), metadata={"title": "被反映人姓名"})
    reported_unit = PlainText(validate=_length(100), metadata={"title": "被反映人单位"})
    reported_post = PlainText(validate=_length(100), metadata={"title": "被反映人职务"})

    @validates_schema(skip_on_field_errors=False)
    def _identity(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if data.get("is_anonymous"):
            return
        errors = {}
        if not data.get("name"):
            errors["name"] = [_("实名反映须填写姓名；不愿留名请选择“匿名反映”。")]
        phone = data.get("phone")
        if not phone:
            errors["phone"] = [_("实名反映须留下联系电话，以便告知办理情况。")]
        elif not is_phone(phone):
            errors["phone"] = [phone_error()]
        if errors:
            raise ValidationError(errors)


class PortalPetitionForm(PortalPetitionIn):
    """The same from the HTML form: the CSRF token and buttons are not data."""

    class Meta:
        unknown = EXCLUDE


class LookupIn(Schema):
    serial = fields.String(required=True, validate=_length(40, 1), metadata={"title": "信访编号"})
    code = fields.String(required=True, validate=_length(40, 1), metadata={"title": "查询码"})


class LookupForm(LookupIn):
    class Meta:
        unknown = EXCLUDE


class RateIn(LookupIn):
    satisfaction = fields.String(
        required=True, validate=validate.OneOf(list(SATISFACTIONS)), metadata={"title": "满意度"}
    )


class RateForm(RateIn):
    class Meta:
        unknown = EXCLUDE


class OptionOut(Schema):
    key = fields.String()
    title = fields.String()


class CategoryOut(Schema):
    """A category of the tree, depth first: ``depth`` 0 for a top-level one."""

    id = fields.Integer()
    name = fields.String()
    parent_id = fields.Integer(allow_none=True)
    depth = fields.Integer()


class PortalFormOut(Schema):
    kinds = fields.List(fields.Nested(OptionOut))
    categories = fields.List(fields.Nested(CategoryOut))
    satisfactions = fields.List(fields.Nested(OptionOut))
    summary_max = fields.Integer()
    daily_limit = fields.Integer()


class FiledOut(Schema):
    serial = fields.String()
    query_code = fields.String(metadata={"description": "只显示这一次，请妥善保存"})
    received_on = fields.Date()


class NoticeOut(Schema):
    title = fields.String()
    on = fields.Date(allow_none=True)
    text = fields.String(allow_none=True)


class StatusOut(Schema):
    serial = fields.String()
    received_on = fields.Date()
    kind = fields.String()
    state = fields.String()
    state_text = fields.String()
    accept_due = fields.Date(allow_none=True)
    close_due = fields.Date(allow_none=True)
    notices = fields.List(fields.Nested(NoticeOut))
    reply_text = fields.String(allow_none=True)
    replied_on = fields.Date(allow_none=True)
    satisfaction = fields.String(allow_none=True)
    can_rate = fields.Boolean()
