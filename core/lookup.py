"""Finding one row by the id a URL or a form gave, or answering 404.

One guard for every plugin, so they all answer alike: an id that is not a positive
integer a BIGINT column can hold is "not found" (asking the database would overflow the
driver), and so is another tenant's row — ``TenantSession.get`` hides it even when the
identity map holds it, so a request never learns that the id exists.
"""

from __future__ import annotations

from typing import Any, TypeVar

from flask import abort

from core.db import MAX_DB_ID, db

T = TypeVar("T")


def valid_id(ident: Any) -> bool:
    """Whether ``ident`` can be the id of a row (``bool`` is not an id)."""
    return isinstance(ident, int) and not isinstance(ident, bool) and 0 < ident <= MAX_DB_ID


def get_or_none(model: type[T], ident: Any) -> T | None:
    """The row of ``model`` with id ``ident`` visible in the current tenant scope."""
    return db.session.get(model, ident) if valid_id(ident) else None


def get_or_404(model: type[T], ident: Any) -> T:
    """The row of ``model`` with id ``ident``, or abort with 404.

    Example::

        def petition_or_404(petition_id: int) -> Petition:
            return get_or_404(Petition, petition_id)
    """
    row = get_or_none(model, ident)
    if row is None:
        abort(404)
    return row
