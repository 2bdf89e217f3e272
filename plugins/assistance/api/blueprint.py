"""The assistance API's one blueprint (``/api/v1/t/<tenant>/assistance/...``) and its
keyset pages; the routes are in the modules beside it, by what they act on."""

from __future__ import annotations

from typing import Any

from core.api.pagination import BadCursor, Page, decode_cursor, keyset_page
from core.db import MAX_DB_ID
from core.routing import tenant_blueprint

bp = tenant_blueprint(
    "assistance_api", __name__, kind="api", plugin="assistance", prefix="/assistance"
)


def page_of(statement: Any, key: Any, query: dict[str, Any]) -> Page:
    """Newest first by id; a forged cursor is a 422, never a database overflow."""
    cursor = query.get("cursor")
    if cursor:
        [value] = decode_cursor(cursor, [key])
        if not isinstance(value, int) or not 0 <= value <= MAX_DB_ID:
            raise BadCursor(cursor)
    return keyset_page(statement, [key], cursor=cursor, limit=query["limit"])
