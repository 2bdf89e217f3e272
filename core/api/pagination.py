"""Keyset (cursor) pagination: deep pages cost what the first page costs.

A page is ordered by a tuple of columns ending in the primary key, all in one direction,
so ``(a, b, id) < (:a, :b, :id)`` walks the tenant-leading index without OFFSET. The
cursor is the last row's key, opaque to clients (URL-safe base64 of JSON).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from marshmallow import Schema, fields, validate
from sqlalchemy import Select, tuple_
from sqlalchemy.orm import InstrumentedAttribute

from core.db import MAX_DB_ID, db

MAX_LIMIT = 200
DEFAULT_LIMIT = 50


class BadCursor(ValueError):
    pass


class CursorQuery(Schema):
    """The query string of a paginated route; extend it with the route's filters."""

    cursor = fields.String(validate=validate.Length(max=500), metadata={"description": "游标"})
    limit = fields.Integer(
        load_default=DEFAULT_LIMIT,
        validate=validate.Range(min=1, max=MAX_LIMIT),
        metadata={"description": "每页条数"},
    )


@dataclass
class Page:
    items: list[Any]
    next_cursor: str | None


def encode_cursor(values: Sequence[Any]) -> str:
    raw = json.dumps([_jsonable(v) for v in values], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, columns: Sequence[InstrumentedAttribute]) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadCursor(cursor) from exc
    if not isinstance(values, list) or len(values) != len(columns):
        raise BadCursor(cursor)
    return [_from_json(v, col) for v, col in zip(values, columns, strict=True)]


def keyset_page(
    statement: Select,
    keys: Sequence[InstrumentedAttribute],
    *,
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
    descending: bool = True,
) -> Page:
    """One page of ``statement`` ordered by ``keys`` (the last key must be unique)."""
    limit = max(1, min(limit, MAX_LIMIT))
    if cursor:
        after = tuple_(*keys)
        bound = tuple_(*decode_cursor(cursor, keys))
        statement = statement.where(after < bound if descending else after > bound)
    order = [k.desc() if descending else k.asc() for k in keys]
    rows = db.session.scalars(statement.order_by(*order).limit(limit + 1)).all()
    items, more = list(rows[:limit]), len(rows) > limit
    next_cursor = encode_cursor([getattr(items[-1], k.key) for k in keys]) if more else None
    return Page(items=items, next_cursor=next_cursor)


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


#: A cursor's text value longer than this is forged (keys are short names and codes).
MAX_CURSOR_TEXT = 200


def _from_json(value: Any, column: InstrumentedAttribute) -> Any:
    # A forged cursor must be a 422, not a database error (a 500): keys are never NULL,
    # ids fit BIGINT, and text keys are short.
    if value is None or (isinstance(value, str) and len(value) > MAX_CURSOR_TEXT):
        raise BadCursor(str(value))
    python_type = column.type.python_type
    try:
        if python_type is datetime:
            return datetime.fromisoformat(value)
        if python_type is date:
            return date.fromisoformat(value)
        if python_type is int and not (isinstance(value, int) and 0 <= value <= MAX_DB_ID):
            raise BadCursor(str(value))
        return python_type(value)
    except (TypeError, ValueError) as exc:
        raise BadCursor(str(value)) from exc
