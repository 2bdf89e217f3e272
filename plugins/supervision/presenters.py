"""Supervision records shaped for the API: the tables as JSON, the board's rows, an
item's history."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _

from plugins.supervision.models import SupervisionItem
from plugins.supervision.queries.tables import Table
from plugins.supervision.schemas import SupervisionItemOut
from plugins.supervision.workflow import ITEM_FLOW

NAME_KEYS = ("leader_name", "person_name", "section_name")


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def table_dict(table: Table) -> dict[str, Any]:
    return {
        "title": table.title,
        "columns": [{"key": c.key, "title": c.title} for c in table.columns],
        "rows": [{k: _json(v) for k, v in row.items()} for row in table.rows],
    }


def board_rows(table: Table) -> list[dict[str, Any]]:
    """The board's rows: the item's fields, the names and the live light."""
    fields = SupervisionItemOut().fields
    return [
        {
            **{f: getattr(row["item"], f) for f in fields},
            **{k: row[k] for k in NAME_KEYS},
            "light": row["light"],
        }
        for row in table.rows
    ]


def history_dict(item: SupervisionItem) -> dict[str, Any]:
    """The item's history as a table (state changes and notes, oldest first)."""
    return {
        "title": _("办理过程"),
        "columns": [],
        "rows": [
            {
                "transition": c.transition,
                "from_state": c.from_state,
                "to_state": c.to_state,
                "actor_name": c.actor_name,
                "comment": c.comment,
                "at": c.at.isoformat() if c.at else None,
            }
            for c in ITEM_FLOW.history(item)
        ],
    }
