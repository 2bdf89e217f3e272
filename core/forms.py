"""Page forms: HTML form values turned into the schema's types, validated by the same
marshmallow schemas as the API, with the errors given back beside the fields.

An HTML form posts nothing but strings, and some things not at all. This layer reads
the form as its schema declares it, so no page parses ``request.form`` by hand:

* a blank input means "not given" (the field's default applies, or "required");
* an integer field gets an ``int`` when the text is a whole number (a ``<select>`` of
  ids posts ``"8"``, which a strict integer field would refuse as "应为整数。");
* a boolean gets ``"1"``/``"on"``/``"0"``… as marshmallow reads them; an unchecked
  checkbox sends nothing, so a *required* boolean absent from a posted form is ``False``
  (an optional one keeps its default, so a form that does not show it changes nothing);
* a list of values comes from every value of the key (multi-selects, repeated checkboxes);
  a required list absent from a posted form is ``[]`` (nothing chosen);
* a list of nested rows comes from repeated inputs named ``<field>-<row>-<key>``
  (``petitioners-0-name``); a row with no text in it is dropped.

``load_form`` answers ``(clean data, {})`` or ``(the values as typed, errors by field)``;
the values keep every row and list, so the page shows the form again as it was filled::

    data, errors = load_form(PetitionIn())
    if errors:
        return render_template("petitions/register.html", form=data, errors=errors), 422
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from flask import has_request_context, request
from marshmallow import EXCLUDE, Schema, ValidationError, fields
from werkzeug.datastructures import MultiDict

from core.api.messages import localize

_WHOLE_NUMBER = re.compile(r"^[+-]?\d{1,30}$")
_MISSING = object()


class FormSchema(Schema):
    """A form's schema: the CSRF token and buttons are not data, so extra keys are
    dropped instead of refused."""

    class Meta:
        unknown = EXCLUDE


def load_form(
    schema: Schema, data: Mapping[str, Any] | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(clean data, {})`` or ``(the values as typed, localized errors by field)``.

    ``data`` defaults to the posted form; pass ``request.args`` (or a dict of strings
    and lists) for a filter form."""
    source = request.form if data is None else data
    values = form_values(schema, source, posted=_posted())
    try:
        return schema.load(values), {}
    except ValidationError as exc:
        messages = exc.messages if isinstance(exc.messages, dict) else {"_": exc.messages}
        return redisplay(schema, source, values), localize(messages)


def form_values(schema: Schema, source: Mapping[str, Any], *, posted: bool) -> dict[str, Any]:
    """The input for ``schema.load``: the form's strings turned into the schema's types.

    Keys the schema does not declare pass through as given (the schema decides whether
    to drop or refuse them); ``posted`` says absent checkboxes and multi-selects were
    left empty rather than not shown."""
    multi = _multidict(source)
    out: dict[str, Any] = {}
    for name, field in schema.load_fields.items():
        key = field.data_key or name
        value = _field_value(field, key, multi, posted)
        if value is not _MISSING:
            out[key] = value
    for key in multi:
        if key not in out and not _is_row_key(key, schema) and _text(multi.get(key)):
            out[key] = multi.get(key)
    return out


def redisplay(
    schema: Schema, source: Mapping[str, Any], values: Mapping[str, Any]
) -> dict[str, Any]:
    """The form as it was filled, to show it again: every text as typed, every list
    and row list as read (so no row, choice or box is lost on an error)."""
    shown = {key: value for key, value in _multidict(source).items()}
    for name, field in schema.load_fields.items():
        key = field.data_key or name
        if isinstance(field, fields.List) and key in values:
            shown[key] = values[key]
    return shown


def as_typed(schema: Schema, data: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The posted form as it was filled, to show it again after a refusal that came
    later than the schema (a service's check): the same values :func:`load_form` gives
    back with its own errors."""
    source = request.form if data is None else data
    return redisplay(schema, source, form_values(schema, source, posted=_posted()))


def row_errors(errors: Mapping[str, Any], name: str) -> tuple[list[str], dict[int, dict]]:
    """The errors of a list of rows: those on the list itself, and those of each row by
    its index (marshmallow keys a row's errors by its position)."""
    value = errors.get(name)
    if isinstance(value, dict):
        return [], {int(k): v for k, v in value.items() if str(k).isdigit()}
    return list(value or []), {}


def _posted() -> bool:
    return has_request_context() and request.method == "POST"


def _multidict(source: Mapping[str, Any]) -> MultiDict:
    return source if isinstance(source, MultiDict) else MultiDict(source)


def _field_value(field: fields.Field, key: str, multi: MultiDict, posted: bool) -> Any:
    if isinstance(field, fields.List) and isinstance(field.inner, fields.Nested):
        return _rows_value(field, key, multi, posted)
    if isinstance(field, fields.List):
        return _list_value(field, key, multi, posted)
    if key not in multi:
        if posted and field.required and isinstance(field, fields.Boolean):
            return False  # an unchecked checkbox sends nothing
        return _MISSING
    return _scalar(field, multi.get(key))


def _scalar(field: fields.Field, value: Any) -> Any:
    if not isinstance(value, str):
        return value  # already typed (a dict built by the page)
    if not value.strip():
        return _MISSING
    if isinstance(field, fields.Integer) and _WHOLE_NUMBER.match(value.strip()):
        return int(value.strip())
    return value


def _list_value(field: fields.List, key: str, multi: MultiDict, posted: bool) -> Any:
    if key not in multi:
        return [] if posted and field.required else _MISSING
    items = [_scalar(field.inner, v) for v in multi.getlist(key)]
    return [item for item in items if item is not _MISSING]


def _rows_value(field: fields.List, key: str, multi: MultiDict, posted: bool) -> Any:
    nested = field.inner.schema  # type: ignore[attr-defined]
    found: dict[int, MultiDict] = {}
    pattern = re.compile(rf"^{re.escape(key)}-(\d{{1,3}})-(\w+)$")
    for name, value in multi.items(multi=True):
        match = pattern.match(name)
        if match:
            found.setdefault(int(match.group(1)), MultiDict()).add(match.group(2), value)
    if not found:
        return [] if posted and field.required else _MISSING
    rows = [form_values(nested, found[i], posted=posted) for i in sorted(found)]
    return [
        _declared(row, nested)
        for row, i in zip(rows, sorted(found), strict=True)
        if _has_text(found[i], nested)
    ]


def _declared(row: dict[str, Any], nested: Schema) -> dict[str, Any]:
    keys = {f.data_key or n for n, f in nested.load_fields.items()}
    return {k: v for k, v in row.items() if k in keys}


def _has_text(row: MultiDict, nested: Schema) -> bool:
    # A row of boxes alone (a representative ticked on a blank row) is still blank.
    boxes = {
        f.data_key or n for n, f in nested.load_fields.items() if isinstance(f, fields.Boolean)
    }
    return any(_text(v) for k, v in row.items(multi=True) if k not in boxes)


def _text(value: Any) -> bool:
    return not isinstance(value, str) or bool(value.strip())


def _is_row_key(key: str, schema: Schema) -> bool:
    prefix = key.split("-", 1)[0]
    field = schema.load_fields.get(prefix)
    return isinstance(field, fields.List) and "-" in key
