"""The field helpers every assistance schema uses: ids within the database's range,
amounts in 分 (``strict``: ``1.5`` or ``"100"`` is refused, never rounded) within
:data:`MAX_AMOUNT_FEN`, bounded text."""

from __future__ import annotations

from marshmallow import fields, validate

from core.db import MAX_DB_ID
from plugins.assistance.models import (
    MAX_AMOUNT_FEN,
)

Id = lambda **kw: fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_DB_ID), **kw)  # noqa: E731
Fen = lambda **kw: fields.Integer(  # noqa: E731
    strict=True, validate=validate.Range(min=1, max=MAX_AMOUNT_FEN), **kw
)
Text = lambda n, **kw: fields.String(validate=validate.Length(max=n), **kw)  # noqa: E731
