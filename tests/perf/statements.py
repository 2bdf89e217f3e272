"""Counting the SQL statements a block of code sends (``before_cursor_execute``)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.engine import Engine


class Statements(list):
    """The statements sent inside :func:`counting`, in order (SQL text only)."""

    def __repr__(self) -> str:
        return "\n".join(f"{i:3} {s[:160]}" for i, s in enumerate(self, 1))


@contextmanager
def counting(engine: Engine) -> Iterator[Statements]:
    seen = Statements()

    def _count(_conn, _cursor, statement, _params, _context, _executemany) -> None:
        seen.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", _count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", _count)
