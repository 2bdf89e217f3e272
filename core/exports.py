"""Ledgers, statistics and formal documents as downloadable files.

Every plugin exports through these helpers so that all files behave the same in Excel and
WPS: Chinese headers and file names survive, money is exact, times are Beijing time, and a
cell typed by a petitioner cannot turn into a formula on a cadre's machine.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote
from zoneinfo import ZoneInfo

from flask import Response

from core.sandbox import BoundedEnvironment

# openpyxl and docxtpl (with python-docx and lxml) are imported where a file is written,
# not here: every web process imports this module, few requests export (issue 14).

ColumnKind = Literal["text", "int", "date", "datetime", "money"]
FileKind = Literal["xlsx", "csv", "docx"]

SHANGHAI = ZoneInfo("Asia/Shanghai")

MIMETYPES: dict[str, str] = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}

#: Spreadsheet programs treat a cell starting with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

NUMBER_FORMATS: dict[str, str] = {
    "int": "0",
    "money": "#,##0.00",
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm",
}

MAX_SHEET_TITLE = 31
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
#: The characters openpyxl refuses in a cell (its ``ILLEGAL_CHARACTERS_RE``).
_ILLEGAL_CHARACTERS = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


@dataclass(frozen=True)
class Column:
    """One column of a ledger; ``kind`` decides how a value is written, not the caller."""

    key: str
    title: str
    width: int = 15
    kind: ColumnKind = "text"


@dataclass(frozen=True)
class Sheet:
    """A worksheet; ``rows`` may be a generator so large ledgers never sit in memory."""

    title: str
    columns: Sequence[Column]
    rows: Iterable[Mapping[str, Any] | object]
    caption: str | None = None


def guard_formula(text: str) -> str:
    """Neutralise CSV/formula injection: user text must never run as a formula."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def to_shanghai(value: datetime) -> datetime:
    """Naive Beijing time, which is what Excel shows and what users mean.

    Naive input is taken as UTC: the platform stores UTC, and SQLite hands back naive values.
    """
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(SHANGHAI).replace(tzinfo=None)


def fen_to_yuan(fen: int) -> Decimal:
    """Exact yuan from integer fen; a float would show 0.1 + 0.2 style errors in totals."""
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise TypeError(f"money must be an integer number of fen, got {fen!r}")
    return Decimal(fen) / 100


def _value_of(row: Mapping[str, Any] | object, key: str) -> Any:
    """Rows may be dicts or ORM objects; both are common in plugins."""
    if isinstance(row, Mapping):
        return row.get(key)
    return getattr(row, key, None)


def _typed(value: Any, kind: ColumnKind) -> Any:
    if value is None:
        return None
    if kind == "money":
        return fen_to_yuan(value)
    if kind == "int":
        return int(value)
    if kind == "datetime":
        return to_shanghai(value)
    if kind == "date":
        return to_shanghai(value).date() if isinstance(value, datetime) else value
    return guard_formula(_ILLEGAL_CHARACTERS.sub("", str(value)))


def sanitize_sheet_title(title: str, used: set[str] | None = None) -> str:
    """Excel refuses titles over 31 characters, with []:*?/\\ or repeated in one workbook."""
    clean = _SHEET_TITLE_FORBIDDEN.sub("_", title).strip().strip("'")[:MAX_SHEET_TITLE]
    clean = clean or "Sheet"
    used = used if used is not None else set()
    candidate, n = clean, 1
    while candidate.lower() in used:
        n += 1
        suffix = f"({n})"
        candidate = clean[: MAX_SHEET_TITLE - len(suffix)] + suffix
    used.add(candidate.lower())
    return candidate


def _styled(ws: Any, value: Any, font: Any = None, number_format: str | None = None) -> Any:
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value=value)
    if font is not None:
        cell.font = font
    if number_format is not None:
        cell.number_format = number_format
    return cell


def _styled_cells(ws: Any, columns: Sequence[Column]) -> list[Any]:
    """Per column, the one cell its values are written through, or ``None`` for a plain
    value. A write-only sheet writes a row as it is appended, so one styled cell per
    column serves every row (a new cell per value cost a tenth of a large export).
    Dates need none: openpyxl formats a date ``yyyy-mm-dd`` itself."""
    cells = []
    for column in columns:
        fmt = NUMBER_FORMATS.get(column.kind)
        plain = fmt is None or column.kind == "date"
        cells.append(None if plain else _styled(ws, None, number_format=fmt))
    return cells


def _write_sheet(wb: Any, sheet: Sheet, used: set[str]) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(sanitize_sheet_title(sheet.title, used))
    for index, column in enumerate(sheet.columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    header_row = 2 if sheet.caption else 1
    ws.freeze_panes = f"A{header_row + 1}"
    if sheet.caption:
        ws.append([_styled(ws, guard_formula(sheet.caption), Font(bold=True, size=14))])
    bold = Font(bold=True)
    # Titles are written (and, for lazy strings, translated) once per sheet, not per row.
    ws.append([_styled(ws, guard_formula(str(c.title)), bold) for c in sheet.columns])
    plan = list(zip(sheet.columns, _styled_cells(ws, sheet.columns), strict=True))
    for row in sheet.rows:
        get = row.get if isinstance(row, Mapping) else functools.partial(getattr, row)
        values = []
        for column, cell in plan:
            value = _typed(get(column.key, None), column.kind)
            if cell is not None and value is not None:
                cell.value = value
                value = cell
            values.append(value)
        ws.append(values)


def xlsx_bytes(sheets: list[Sheet]) -> bytes:
    """Write-only mode: a county ledger can run to tens of thousands of rows."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    used: set[str] = set()
    for sheet in sheets:
        _write_sheet(wb, sheet, used)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _csv_text(value: Any, kind: ColumnKind) -> str:
    typed = _typed(value, kind)
    if typed is None:
        return ""
    if isinstance(typed, datetime):
        return typed.isoformat(sep=" ", timespec="seconds")
    if isinstance(typed, date):
        return typed.isoformat()
    if isinstance(typed, Decimal):
        return f"{typed:.2f}"
    return str(typed)


def csv_bytes(columns: Sequence[Column], rows: Iterable[Mapping[str, Any] | object]) -> bytes:
    """UTF-8 with a BOM: without it Excel and WPS open Chinese text as mojibake."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([guard_formula(c.title) for c in columns])
    for row in rows:
        writer.writerow([_csv_text(_value_of(row, c.key), c.kind) for c in columns])
    return out.getvalue().encode("utf-8-sig")


def render_docx(template: bytes | Path, context: Mapping[str, Any]) -> bytes:
    """Tenants can replace templates, so Jinja runs sandboxed, bounded (a new budget per
    document: :mod:`core.sandbox`) and escaping XML in values."""
    from docxtpl import DocxTemplate

    source = io.BytesIO(template) if isinstance(template, bytes) else template
    doc = DocxTemplate(source)
    doc.render(dict(context), jinja_env=BoundedEnvironment(autoescape=True), autoescape=True)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _ascii(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("_")


def content_disposition(filename: str) -> str:
    """RFC 6266/5987: modern browsers read filename*, old clients get an ASCII fallback."""
    filename = re.sub(r'[\x00-\x1f\x7f"\\/]', "_", filename)
    stem, dot, ext = filename.rpartition(".")
    ascii_stem = _ascii(stem) or "download"
    fallback = f"{ascii_stem}.{_ascii(ext)}" if dot else ascii_stem
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def download_response(data: bytes, filename: str, kind: FileKind) -> Response:
    """One place for mimetypes and Chinese file names, which browsers handle unevenly."""
    if not filename.lower().endswith(f".{kind}"):
        filename = f"{filename}.{kind}"
    response = Response(data, content_type=MIMETYPES[kind])
    response.headers["Content-Disposition"] = content_disposition(filename)
    return response
