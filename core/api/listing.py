"""A list, written once: a filtered statement, a keyset page on declared keys, the rows
presented for the response schema, the next cursor.

Every list route of the API (and the list pages that page the same way) has this shape;
a :class:`Listing` declares its parts and :meth:`Listing.page` runs them::

    ITEMS = Listing(
        statement=queries.item_statement,          # filters -> Select
        keys=(Item.received_on, Item.id),          # ends in the primary key
        options=(selectinload(Item.children),),    # what the presenter reads
        present=lambda rows: [item_dict(r) for r in rows],
    )

    @api_route(bp, "/items", query=ItemListQuery, response=ItemOut, paginated=True, ...)
    def list_items(query):
        return ITEMS.page(query)

The cost of a page does not grow with its length: the caller declares in ``options``
the eager loads its presenter needs (``selectinload`` of child rows: one statement per
relationship, whatever the page size), so a page is a fixed number of statements; a
test counts them. A forged cursor is refused by :func:`core.api.pagination.decode_cursor`
(a 422 problem in the API).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import InstrumentedAttribute

from core.api.pagination import DEFAULT_LIMIT, Page, keyset_page

Keys = Sequence[InstrumentedAttribute]
#: Filters to (keys, descending): for lists the client may sort.
Order = Callable[[Mapping[str, Any]], tuple[Keys, bool]]


@dataclass(frozen=True)
class Listing:
    """How one list finds, orders and shows its rows.

    ``statement(filters)`` selects the filtered rows (the tenant criterion is added by
    the session, as everywhere); ``keys`` orders them (the last key unique), in
    ``descending`` order, or ``order(filters)`` picks keys and direction from the
    query; ``options`` are the eager loads added to the page's statement; ``present``
    turns the page's rows into what the response schema dumps (it may load more in
    one batch, never per row)."""

    statement: Callable[[Mapping[str, Any]], Select]
    keys: Keys = ()
    descending: bool = True
    order: Order | None = None
    options: Sequence[Any] = ()
    present: Callable[[list[Any]], list[Any]] | None = None

    def ordering(self, filters: Mapping[str, Any]) -> tuple[Keys, bool]:
        if self.order is not None:
            return self.order(filters)
        return self.keys, self.descending

    def page(self, filters: Mapping[str, Any]) -> Page:
        """One page of the rows ``filters`` select (``cursor`` and ``limit`` from the
        query string, as :class:`core.api.pagination.CursorQuery` loads them)."""
        keys, descending = self.ordering(filters)
        statement = self.statement(filters)
        if self.options:
            statement = statement.options(*self.options)
        found = keyset_page(
            statement,
            keys,
            cursor=filters.get("cursor"),
            limit=filters.get("limit") or DEFAULT_LIMIT,
            descending=descending,
        )
        if self.present is None:
            return found
        return Page(items=self.present(found.items), next_cursor=found.next_cursor)
