"""What a plugin declares to offer a list export (hook ``zugong_exports``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from marshmallow import Schema

from core.exports import FileKind, Sheet

Filters = Mapping[str, Any]


@dataclass(frozen=True)
class ExportDef:
    """One list export: what it needs, what it finds, and how its file looks.

    ``query`` loads the request's filters (the list's own query schema, with a
    ``format`` field); ``count`` answers how many rows those filters find, cheaply;
    ``sheet`` builds the one worksheet whose ``rows`` is a generator streaming from the
    database (``yield_per``), and may audit the export, since it runs wherever the file
    is written: in the request or in the job, both as the asking user. ``extra`` adds
    small sheets after it in a workbook (a summary; not counted, not in a CSV).
    ``filename`` names the file, without its extension.
    """

    name: str
    permission: str
    title: Any  # a lazy string: shown on the progress page in the reader's language
    query: type[Schema]
    count: Callable[[Filters], int]
    sheet: Callable[[Filters, FileKind], Sheet]
    filename: Callable[[Filters], str]
    formats: tuple[FileKind, ...] = ("xlsx", "csv")
    extra: Callable[[Filters], list[Sheet]] | None = None

    @property
    def plugin(self) -> str | None:
        """The plugin whose enablement gates the job (``core.…`` exports: none)."""
        owner = self.name.partition(".")[0]
        return None if owner == "core" else owner
