"""SQL pieces every plugin's roll-up uses, so each reads alike and stays one scan: all
figure sets over one table come from ONE ``SELECT tenant_id, <aggregates> … GROUP BY
tenant_id`` (a breakdown such as petitions by channel is a column per value, not a
second ``GROUP BY``), and the tenants asked about are one array parameter on PostgreSQL
(thousands of bound parameters cost more to send than the query to run)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BigInteger, any_, bindparam, func, select
from sqlalchemy.dialects.postgresql import ARRAY

from core.db import db
from core.rollup.types import Figure, FigureSet, Rate, grouped_values


def count_if(condition: Any) -> Any:
    """The number of rows of the group where ``condition`` holds (``FILTER``: cheaper per
    row than summing a CASE, which counts over millions of rows)."""
    return func.count().filter(condition)


def sum_if(condition: Any, value: Any) -> Any:
    return func.coalesce(func.sum(value).filter(condition), 0)


def asked(column: Any, tenant_ids: Iterable[int]) -> Any:
    """``column`` is one of ``tenant_ids``: ``= ANY(:array)`` on PostgreSQL, ``IN`` elsewhere."""
    ids = list(tenant_ids)
    if db.engine.dialect.name == "postgresql":
        return column == any_(bindparam("rollup_tenants", ids, type_=ARRAY(BigInteger)))
    return column.in_(ids)


def by_value(column: Any, titles: dict[str, str]) -> dict[str, tuple[str, Any]]:
    """A figure per value of ``column`` (a breakdown), as columns of the one scan."""
    return {key: (title, count_if(column == key)) for key, title in titles.items()}


@dataclass(frozen=True)
class Spec:
    """One figure set to compute: its figures as ``key → (title, aggregate)``."""

    key: str
    title: str
    columns: dict[str, tuple[str, Any]]
    rates: tuple[Rate, ...] = ()
    money: tuple[str, ...] = ()


def figure_sets(
    tenant_column: Any,
    where: Iterable[Any],
    specs: Iterable[Spec],
    join: tuple[Any, Any] | None = None,
    joins: Iterable[tuple[Any, Any]] = (),
) -> list[FigureSet]:
    """Every set of ``specs`` from one grouped scan; ``join`` (or several, ``joins``) is
    a ``(target, on)`` (on the tenant too: joins stay within a tenant)."""
    specs = list(specs)
    keys = [(s.key, k) for s in specs for k in s.columns]
    aggregates = [agg for s in specs for _title, agg in s.columns.values()]
    statement = select(tenant_column, *aggregates)
    for target, on in [*([join] if join is not None else []), *joins]:
        statement = statement.join(target, on)
    statement = statement.where(*where).group_by(tenant_column)
    flat = grouped_values(db.session.execute(statement), tuple(f"{s}\x1f{k}" for s, k in keys))
    result = []
    for s in specs:
        figures = tuple(
            Figure(k, t, "money" if k in s.money else "count") for k, (t, _agg) in s.columns.items()
        )
        values = {
            tenant: {k: row[f"{s.key}\x1f{k}"] for k in s.columns} for tenant, row in flat.items()
        }
        result.append(FigureSet(s.key, s.title, figures, s.rates, values))
    return result
