"""SQL pieces every plugin's roll-up query uses (so each ``GROUP BY tenant_id`` reads alike)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import case, func, select

from core.db import db
from core.rollup.types import Figure, FigureSet, Rate, grouped_values, pivot


def count_if(condition: Any) -> Any:
    """The number of rows of the group where ``condition`` holds (0, not NULL)."""
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def sum_if(condition: Any, value: Any) -> Any:
    return func.coalesce(func.sum(case((condition, value), else_=0)), 0)


def per_tenant(
    key: str,
    title: str,
    tenant_column: Any,
    columns: dict[str, tuple[str, Any]],
    where: Iterable[Any],
    *,
    rates: tuple[Rate, ...] = (),
    money: Iterable[str] = (),
    join: tuple[Any, Any] | None = None,
) -> FigureSet:
    """One figure set from one ``SELECT tenant_id, <aggregates> … GROUP BY tenant_id``:
    ``columns`` maps each figure key to its title and aggregate; ``join`` is an optional
    ``(target, on)`` (on the tenant too: joins stay within a tenant)."""
    keys = tuple(columns)
    statement = select(tenant_column, *(agg for _title, agg in columns.values()))
    if join is not None:
        statement = statement.join(*join)
    statement = statement.where(*where).group_by(tenant_column)
    figures = tuple(
        Figure(k, t, "money" if k in set(money) else "count") for k, (t, _agg) in columns.items()
    )
    values = grouped_values(db.session.execute(statement), keys)
    return FigureSet(key, title, figures, rates, values)


def breakdown(
    key: str,
    title: str,
    tenant_column: Any,
    column: Any,
    titles: dict[str, str],
    where: Iterable[Any],
    count: Any = None,
) -> FigureSet:
    """A figure per value of ``column`` (titled by ``titles``; others are dropped), from
    one ``GROUP BY tenant_id, column``."""
    statement = (
        select(tenant_column, column, count if count is not None else func.count())
        .where(*where, column.in_(list(titles)))
        .group_by(tenant_column, column)
    )
    figures = tuple(Figure(k, t) for k, t in titles.items())
    return FigureSet(key, title, figures, (), pivot(db.session.execute(statement)))
