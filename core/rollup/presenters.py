"""A plugin's roll-up shaped for the page, the workbook and the report: columns (the
figures, then the rates) and one line per row, values formatted for reading."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from core.exports import fen_to_yuan
from core.rollup.service import PluginRollup, Row
from core.rollup.types import FigureSet


@dataclass(frozen=True)
class Col:
    set_key: str
    key: str
    title: str
    kind: str  # count | money | rate


def columns(sets: list[FigureSet]) -> list[Col]:
    found = []
    for figures in sets:
        found += [Col(figures.key, f.key, _(f.title), f.kind) for f in figures.figures]
        found += [Col(figures.key, r.key, _(r.title), "rate") for r in figures.rates]
    return found


def raw(row: Row, col: Col) -> int | float | None:
    """The number behind a cell: a count, 分, or a percentage (None: 未启用 or no base)."""
    if not row.enabled:
        return None
    if col.kind == "rate":
        return row.rates[col.set_key].get(col.key)
    return row.values[col.set_key].get(col.key, 0)


def shown(value: int | float | None, kind: str, enabled: bool = True) -> str:
    if not enabled:
        return _("未启用")
    if value is None:
        return "—"
    if kind == "rate":
        return f"{value}%"
    if kind == "money":
        return f"{fen_to_yuan(int(value)):,.2f}"
    return str(value)


def line(row: Row, cols: list[Col]) -> dict[str, Any]:
    return {
        "row": row,
        "label": row.label,
        "cells": [shown(raw(row, c), c.kind, row.enabled) for c in cols],
    }


def table(rollup: PluginRollup, set_key: str | None = None) -> dict[str, Any]:
    """The page's table: one figure set (``set_key``) or all of the plugin's."""
    sets = [rollup.set(set_key)] if set_key else rollup.sets
    cols = columns(sets)
    return {
        "columns": cols,
        "lines": [line(r, cols) for r in rollup.rows],
        "total": line(rollup.total, cols),
    }


def _series(figures: FigureSet, points: list[dict[str, int]]) -> list[dict[str, Any]]:
    """One chart series per figure over ``points`` (money in yuan, as the page shows it)."""
    series = []
    for f in figures.figures:
        data: list[Any] = [p.get(f.key, 0) for p in points]
        if f.kind == "money":
            data = [float(fen_to_yuan(v)) for v in data]
        series.append({"name": _(f.title), "data": data})
    return series


def bars(rollup: PluginRollup, set_key: str | None) -> dict[str, Any]:
    """Per-child bars of the set's figures (rates are no bars: they do not add up)."""
    figures = rollup.set(set_key)
    rows = [r for r in rollup.rows if r.enabled]
    points = [r.values[figures.key] for r in rows]
    return {"labels": [r.label for r in rows], "series": _series(figures, points)}


def trend_lines(
    titles: list[str], figures: FigureSet | None, points: list[dict[str, int]]
) -> dict[str, Any]:
    """The set's totals over the periods up to the chosen one."""
    series = _series(figures, points) if figures is not None else []
    return {"labels": titles, "series": series}
