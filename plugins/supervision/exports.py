"""The board's .xlsx as a core export (core.exportruns): answered at once for a page of
items, made by a job for more; the rows stream from the board's own statement."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from flask import g
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core.db import db
from core.exportruns.service import count_of
from core.exportruns.types import ExportDef
from core.exports import FileKind, Sheet
from plugins.supervision.permissions import VIEW
from plugins.supervision.queries.board import BOARD_COLUMNS, _rows, board_statement
from plugins.supervision.queries.tables import localized
from plugins.supervision.schemas import SupervisionBoardQuery


def board_count(filters: Mapping[str, Any]) -> int:
    return count_of(board_statement(g.tenant, filters))


def _streamed(filters: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    result = db.session.execute(board_statement(g.tenant, filters).execution_options(yield_per=500))
    for part in result.partitions():
        yield from _rows(part)


def board_sheet(filters: Mapping[str, Any], _fmt: FileKind) -> Sheet:
    title = _("督办事项红黄绿灯看板")
    return Sheet(title, localized(BOARD_COLUMNS), _streamed(filters), caption=title)


BOARD = ExportDef(
    "supervision.board",
    VIEW,
    _l("督办事项红黄绿灯看板"),
    SupervisionBoardQuery,
    count=board_count,
    sheet=board_sheet,
    filename=lambda _filters: "督办事项看板",
    formats=("xlsx",),
)
