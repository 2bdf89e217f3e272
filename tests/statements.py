"""Counting the SQL statements a request runs: a list page must cost the same number of
statements whatever its length (the eager loads a presenter needs are declared with the
list, see :mod:`core.api.listing`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from sqlalchemy import event

from core.db import db


@contextmanager
def counted(app: Flask) -> Iterator[list[str]]:
    """The statements run on the app's engine inside the block (BEGIN and the like
    included, as the driver sees them)."""
    seen: list[str] = []

    def _count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", _count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", _count)


def assert_page_cost_is_constant(
    app: Flask, get: Callable[[str], Any], path: str, short: int, long: int
) -> None:
    """A page of ``short`` rows and one of ``long`` rows of the list at ``path`` (each
    full: the list holds at least ``long`` rows) cost the same number of statements.
    ``get(url)`` makes the request (with the caller's credentials)."""
    get(path)  # once before counting: what a first request loads and caches is not a page's cost
    counts = []
    for limit in (short, long):
        url = f"{path}{'&' if '?' in path else '?'}limit={limit}"
        with counted(app) as seen:
            response = get(url)
        assert response.status_code == 200, response.get_data(as_text=True)
        assert len(response.get_json()["items"]) == limit
        counts.append(len(seen))
    assert counts[0] == counts[1], counts
