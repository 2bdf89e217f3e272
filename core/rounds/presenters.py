"""A round's figures shaped for the pages and the files (:mod:`core.rounds.exports`): the
columns come from the live roll-up's figure sets (titles, kinds, rates), the values from
the snapshots."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from core.exports import to_shanghai
from core.rollup.presenters import Col, columns, shown
from core.rollup.service import PluginRollup, rate_values
from core.rounds.figures import Figures
from core.rounds.service import Overview
from core.rounds.workflow import SUBMISSION_FLOW


@dataclass(frozen=True)
class Section:
    plugin: str
    title: str
    cols: list[Col]


def sections(parts: list[PluginRollup]) -> list[Section]:
    return [Section(p.plugin, p.title, columns(p.sets)) for p in parts]


def value(section: Section, figures: Figures | None, col: Col, parts: list[PluginRollup]) -> Any:
    """The number of one cell from a snapshot (rates from its summed parts)."""
    values = (figures or {}).get(section.plugin, {}).get(col.set_key, {})
    if col.kind != "rate":
        return int(values.get(col.key, 0))
    part = next(p for p in parts if p.plugin == section.plugin)
    figure_set = next(s for s in part.sets if s.key == col.set_key)
    return rate_values(figure_set, dict(values)).get(col.key)


def comparison(parts: list[PluginRollup], frozen: Figures | None, live: Figures) -> list[dict]:
    """Per plugin, one line per figure: 当前数据, 上报数据 and the difference."""
    found = []
    for section in sections(parts):
        lines = []
        for col in section.cols:
            now = value(section, live, col, parts)
            then = value(section, frozen, col, parts) if frozen is not None else None
            changed = then is not None and now != then
            lines.append(
                {
                    "title": col.title,
                    "live": shown(now, col.kind),
                    "frozen": shown(then, col.kind) if frozen is not None else "",
                    "changed": changed,
                }
            )
        found.append({"title": section.title, "lines": lines})
    return found


def overview_tables(view: Overview, parts: list[PluginRollup]) -> list[dict]:
    """Per plugin: one row per child (its snapshot, or nothing yet), then the totals."""
    tables = []
    for section in sections(parts):
        rows = []
        for line in view.lines:
            figures = line.submission.figures if line.state == "submitted" else None
            cells = [
                shown(value(section, figures, c, parts), c.kind) if figures else "—"
                for c in section.cols
            ]
            rows.append({"line": line, "cells": cells})
        total = [shown(value(section, view.totals, c, parts), c.kind) for c in section.cols]
        tables.append({"section": section, "rows": rows, "total": total})
    return tables


def state_title(line: Any) -> str:
    title = SUBMISSION_FLOW.state_title(line.state)
    return _("%(state)s（逾期）", state=title) if line.late else title


def submitted_at(sub: Any) -> str:
    """When it was submitted, in Beijing time (stored in UTC)."""
    if sub is None or sub.submitted_at is None:
        return ""
    return to_shanghai(sub.submitted_at).strftime("%Y-%m-%d %H:%M")
