"""Validating HTML form posts with marshmallow, like the API does for JSON."""

from __future__ import annotations

from typing import Any

from flask import request
from marshmallow import EXCLUDE, Schema, ValidationError

from core.api.messages import localize


class FormSchema(Schema):
    """A form's schema: the CSRF token and buttons are not data, so extra keys are
    dropped instead of refused."""

    class Meta:
        unknown = EXCLUDE


def load_form(
    schema: Schema, data: dict[str, Any] | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(clean data, {})`` or ``(raw input, localized errors by field)``."""
    raw = data if data is not None else request.form.to_dict()
    # Empty inputs mean "not given" for optional fields.
    given = {k: v for k, v in raw.items() if v != ""}
    try:
        return schema.load(given), {}
    except ValidationError as exc:
        messages = exc.messages if isinstance(exc.messages, dict) else {"_": exc.messages}
        return raw, localize(messages)
