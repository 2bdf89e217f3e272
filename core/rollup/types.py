"""The values a plugin hands to the roll-up (see ``zugong_rollup_figures``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

FigureKind = Literal["count", "money"]


@dataclass(frozen=True)
class Period:
    """A closed range of days (``end`` included) and its title, e.g. 2026年第四季度."""

    kind: str
    start: date
    end: date
    title: str


@dataclass(frozen=True)
class Figure:
    """One additive figure: a count, or money in integer 分 (``kind="money"``)."""

    key: str
    title: str
    kind: FigureKind = "count"


@dataclass(frozen=True)
class Rate:
    """A rate computed by core from summed parts: ``sum(numerator) / sum(denominator)``,
    never an average of the children's rates."""

    key: str
    title: str
    numerator: tuple[str, ...]
    denominator: tuple[str, ...]


@dataclass(frozen=True)
class FigureSet:
    """A group of figures of one plugin (e.g. 信访概况, 按来源), with the values of each
    tenant asked for: ``values[tenant_id][figure_key]``. A tenant with no rows may be
    missing (it counts as zero); one that does not enable the plugin is never asked."""

    key: str
    title: str
    figures: tuple[Figure, ...]
    rates: tuple[Rate, ...] = ()
    values: Mapping[int, Mapping[str, int]] = field(default_factory=dict)


def grouped_values(rows: object, keys: tuple[str, ...]) -> dict[int, dict[str, int]]:
    """``{tenant_id: {key: int}}`` from result rows ``(tenant_id, *values)`` in the order
    of ``keys``: the shape every plugin's ``GROUP BY tenant_id`` query comes back in."""
    return {
        int(row[0]): {k: int(v or 0) for k, v in zip(keys, row[1:], strict=True)}
        for row in rows  # type: ignore[attr-defined]
    }
