"""SQL date functions that both backends run: PostgreSQL in production, SQLite in the
embedded mode. Each compiles to the backend's own spelling, so a set-based statement
need not be written twice.

Local time is Asia/Shanghai, which has had no daylight saving since 1991: on SQLite a
fixed "+8 hours" is exact for every date the platform stores.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Date
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from core import clock


class local_month_start(FunctionElement):  # noqa: N801 - reads as the SQL function it is
    """The first day (a date) of the Beijing-time month of a timestamp with time zone."""

    type = Date()
    inherit_cache = True
    name = "local_month_start"


@compiles(local_month_start, "postgresql")
def _pg_month(element: Any, compiler: Any, **kw: Any) -> str:
    column = compiler.process(element.clauses, **kw)
    return f"CAST(date_trunc('month', timezone('{clock.TZ.key}', {column})) AS DATE)"


@compiles(local_month_start, "sqlite")
def _sqlite_month(element: Any, compiler: Any, **kw: Any) -> str:
    column = compiler.process(element.clauses, **kw)
    return f"date({column}, '+8 hours', 'start of month')"
