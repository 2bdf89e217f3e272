"""The admin pages' forms: the core API's schemas, read from HTML forms through
:func:`core.forms.load_form` (so a page can do nothing the API would refuse), and a
plugin setting's value as its settings form posts it."""

from __future__ import annotations

import re
from typing import Any

from marshmallow import ValidationError, fields, validate

from core.api.pagination import CursorQuery
from core.auth import token_access
from core.forms import FormSchema
from core.money import parse_yuan
from core.plugins.settings_view import SettingField, table_value
from core.web.api.audit import AuditQuery
from core.web.api.roles import RolePatch
from core.web.api.tokens import ApiTokenIn
from core.web.api.users import MembershipIn, MembershipPatch, MembershipQuery, PasswordIn


class AddUserForm(FormSchema, MembershipIn):
    pass


class EditUserForm(FormSchema, MembershipPatch):
    # The page shows every field, so what is not posted was cleared: no role ticked is
    # no role, an unticked box is inactive, an emptied title is no title.
    roles = fields.List(
        fields.String(validate=validate.Length(min=1, max=60)),
        required=True,
        validate=validate.Length(max=50),
    )
    title = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=50))
    active = fields.Boolean(required=True)
    # Blank is "no unit" (the select offers it), not "not given".
    org_unit_id = fields.Integer(allow_none=True, load_default=None)


class PasswordForm(FormSchema, PasswordIn):
    pass


class RoleForm(FormSchema, RolePatch):
    # The page shows both: an emptied title is a mistake, no box ticked is no permission.
    title = fields.String(required=True, validate=validate.Length(min=1, max=60))
    permissions = fields.List(
        fields.String(validate=validate.Length(min=1, max=80)),
        required=True,
        validate=validate.Length(max=200),
    )


class TokenForm(FormSchema, ApiTokenIn):
    # A form posts text: accept "30" (the API insists on a JSON integer).
    lifetime_days = fields.Integer(
        load_default=token_access.TOKEN_DEFAULT_DAYS,
        validate=validate.Range(min=token_access.TOKEN_MIN_DAYS, max=token_access.TOKEN_MAX_DAYS),
    )


class CursorForm(FormSchema, CursorQuery):
    pass


class UsersFilterForm(FormSchema, MembershipQuery):
    pass


class AuditFilterForm(FormSchema, AuditQuery):
    pass


def setting_from_form(field: Any, shown: SettingField, raw: dict[str, str]) -> Any:
    """A setting's value from the form: a table setting from its one input per number
    (named ``<setting>.<path>``), the others from their one input."""
    if shown.kind != "table":
        return _input_value(field, raw.get(shown.name, ""))
    prefix = shown.name + "."
    given = {k[len(prefix) :]: v for k, v in raw.items() if k.startswith(prefix)}
    try:
        return table_value(shown.cells, given)
    except ValidationError as exc:
        raise ValidationError({shown.name: exc.messages}) from None


def _input_value(field: Any, value: str) -> Any:
    """Form inputs are text; the settings schemas take strict integers (a JSON 5.5 must
    not become 5), so whole numbers typed into a form are converted here. An amount
    (``money`` in the field's metadata) is typed in yuan and stored in 分."""
    if value == "":
        return None
    if field is not None and field.metadata.get("money"):
        try:
            return parse_yuan(value)
        except ValueError as exc:
            raise ValidationError({field.name: [str(exc)]}) from None
    if isinstance(field, fields.Integer) and re.fullmatch(r"-?\d{1,12}", value):
        return int(value)
    return value
