"""Spreadsheets coming in, checked row by row before anything is written.

Departments keep years of ledgers in Excel/WPS. An import reads the first worksheet, maps
its Chinese headers to schema fields, loads every row through a marshmallow schema and
returns an :class:`ImportReport`. Nothing is written unless the whole file is valid, or the
user chose to import the valid rows only (:func:`rows_to_write`); writing is the caller's job.

Uploaded files are untrusted: any malformed file yields a report with a file error, never an
exception, and size, row count and declared uncompressed size are capped before parsing.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any

from flask_babel import gettext
from marshmallow import Schema, ValidationError, fields

from core.api.messages import localize
from core.exports import Column, ColumnKind, Sheet, xlsx_bytes

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
#: Rows a sheet may span after the header, blank ones included: blank rows cost reading
#: time too, and a few KiB of XML can declare or hold millions of them.
MAX_BLANK_ROWS = 1_000
#: Columns read; an import template has a few dozen at most, a sheet can declare 16,384.
MAX_COLUMNS = 200
#: openpyxl's ``SHEET_MAIN_NS``, written out: openpyxl is imported only when a file is
#: read, not by every process at start-up.
SHEET_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_DIMENSION_TAG = f"{{{SHEET_MAIN_NS}}}dimension"
_ROW_TAG = f"{{{SHEET_MAIN_NS}}}row"
#: Sum of the archive members' declared sizes; zipfile refuses to inflate past them.
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024

#: Encrypted .xlsx files and legacy .xls files are OLE compound documents, not zips.
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SCHEMA_ERRORS_KEY = "_schema"


def _not_xlsx_message() -> str:
    return gettext("文件不是 .xlsx 格式，请上传 Excel 或 WPS 保存的 .xlsx 文件")


def _corrupt_message() -> str:
    return gettext("文件已损坏或不是有效的 .xlsx 文件，无法读取")


class FileRejected(Exception):
    """A file-level problem; carries the Chinese message for the report."""


@dataclass
class RowResult:
    """One data row; ``row_number`` is what the user sees in Excel, header row being 1."""

    row_number: int
    data: dict[str, Any] | None
    errors: dict[str, list[str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class ImportReport:
    """What the user reviews before choosing to import all rows or only the valid ones."""

    rows: list[RowResult] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    #: schema field name -> Chinese header, so errors can name the column the user sees.
    titles: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.file_errors and all(row.ok for row in self.rows)

    @property
    def valid_rows(self) -> list[RowResult]:
        return [row for row in self.rows if row.ok]

    @property
    def error_count(self) -> int:
        """Every message counts, file-level ones included: it is what the user must fix."""
        row_messages = sum(len(m) for row in self.rows for m in row.errors.values())
        return len(self.file_errors) + row_messages

    def to_dict(self) -> dict[str, Any]:
        """Errors only: echoing up to 10,000 valid rows back to the browser helps no one."""
        return {
            "ok": self.ok,
            "file_errors": list(self.file_errors),
            "total_rows": len(self.rows),
            "valid_rows": len(self.valid_rows),
            "error_count": self.error_count,
            "row_errors": [
                {"row_number": row.row_number, "errors": row.errors}
                for row in self.rows
                if not row.ok
            ],
        }

    def title_of(self, key: str) -> str:
        if key == SCHEMA_ERRORS_KEY:
            return gettext("整行")
        return self.titles.get(key, key)

    def xlsx_bytes(self) -> bytes:
        """The report as a sheet the user can keep beside the file while fixing it."""
        columns = [
            Column("row_number", gettext("行号"), width=8, kind="int"),
            Column("column", gettext("列"), width=20),
            Column("message", gettext("错误信息"), width=60),
        ]
        lines: list[dict[str, Any]] = [
            {"row_number": None, "column": gettext("整个文件"), "message": message}
            for message in self.file_errors
        ]
        for row in self.rows:
            for key, messages in row.errors.items():
                lines.extend(
                    {"row_number": row.row_number, "column": self.title_of(key), "message": m}
                    for m in messages
                )
        return xlsx_bytes([Sheet(gettext("导入错误报告"), columns, lines)])


class ImportRejected(Exception):
    """The user asked for all-or-nothing and the file is not entirely valid."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__(gettext("导入文件未通过校验，未写入任何数据"))
        self.report = report


def read_xlsx(
    stream: IO[bytes],
    schema: Schema,
    headers: Mapping[str, str],
    *,
    max_bytes: int = MAX_BYTES,
    max_rows: int = MAX_ROWS,
) -> ImportReport:
    """Validate an uploaded .xlsx; ``headers`` maps Chinese header -> schema load key."""
    schema_fields = _load_fields(schema, headers)
    report = ImportReport(titles={key: title for title, key in headers.items()})
    try:
        raw_rows = _read_raw_rows(stream, schema_fields, headers, max_bytes, max_rows)
    except FileRejected as exc:
        report.file_errors.append(str(exc))
        return report
    report.rows = [_load_row(n, values, schema) for n, values in raw_rows]
    return report


def rows_to_write(report: ImportReport, valid_only: bool) -> list[dict[str, Any]]:
    """Enforce all-or-nothing unless the user explicitly chose the valid rows only.

    A file-level error rejects in both modes: such a file has no rows worth trusting.
    """
    if report.file_errors or (not valid_only and not report.ok):
        raise ImportRejected(report)
    return [row.data for row in report.valid_rows if row.data is not None]


def template_xlsx(headers: Mapping[str, str], example: Mapping[str, Any] | None = None) -> bytes:
    """A blank file with the exact headers, so users start from something that imports.

    ``example`` is keyed by schema field, like the loaded data.
    """
    columns = [
        Column(key, title, width=max(15, 2 * len(title) + 4), kind=_kind_of(example, key))
        for title, key in headers.items()
    ]
    rows = [example] if example else []
    return xlsx_bytes([Sheet(gettext("导入模板"), columns, rows)])


def _kind_of(example: Mapping[str, Any] | None, key: str) -> ColumnKind:
    value = example.get(key) if example else None
    if isinstance(value, datetime):
        return "datetime"
    if isinstance(value, date):
        return "date"
    if isinstance(value, int) and not isinstance(value, bool):
        return "int"
    return "text"


def _load_fields(schema: Schema, headers: Mapping[str, str]) -> dict[str, fields.Field]:
    """A header pointing at no schema field is a programming error, caught in tests."""
    by_key = {f.data_key or name: f for name, f in schema.load_fields.items()}
    unknown = sorted(set(headers.values()) - by_key.keys())
    if unknown:
        raise ValueError(f"headers name fields the schema does not load: {unknown}")
    return {key: by_key[key] for key in headers.values()}


def _read_raw_rows(
    stream: IO[bytes],
    schema_fields: Mapping[str, fields.Field],
    headers: Mapping[str, str],
    max_bytes: int,
    max_rows: int,
) -> list[tuple[int, dict[str, Any]]]:
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise FileRejected(
            gettext("文件超过 %(size)s MB 的上限", size=f"{max_bytes / 1024 / 1024:g}")
        )
    _check_archive(data, _last_row(max_rows))
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise FileRejected(_corrupt_message()) from exc
    try:
        return _rows_of(workbook.worksheets[0], schema_fields, headers, max_rows)
    except FileRejected:
        raise
    except Exception as exc:
        raise FileRejected(_corrupt_message()) from exc
    finally:
        workbook.close()


def load_workbook(*args: Any, **kwargs: Any) -> Any:
    """openpyxl's ``load_workbook``, imported on first use (not at start-up)."""
    from openpyxl import load_workbook as load

    return load(*args, **kwargs)


def _check_archive(data: bytes, last_row: int) -> None:
    """Reject before openpyxl parses anything: not a zip, an .xls, encrypted, or a zip bomb."""
    if data.startswith(OLE_SIGNATURE):
        raise FileRejected(
            gettext("文件是旧版 .xls 格式或已加密，请另存为未加密的 .xlsx 文件后再导入")
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise FileRejected(_not_xlsx_message()) from exc
    if sum(member.file_size for member in members) > MAX_UNCOMPRESSED_BYTES:
        raise FileRejected(gettext("文件解压后过大，请拆分后再导入"))
    if "xl/workbook.xml" not in {member.filename for member in members}:
        raise FileRejected(_not_xlsx_message())
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for member in members:
            if member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml"):
                _check_undimensioned_sheet(archive, member.filename, last_row)


def _check_undimensioned_sheet(archive: zipfile.ZipFile, name: str, last_row: int) -> None:
    """openpyxl sizes a sheet without a dimension by parsing all of it at load, so count
    such a sheet's rows first, stopping at the limit (a declared one is checked later)."""
    from openpyxl.xml.functions import iterparse

    rows = 0
    try:
        with archive.open(name) as source:
            for _event, element in iterparse(source, events=("start",)):
                if element.tag == _DIMENSION_TAG:
                    return
                if element.tag == _ROW_TAG:
                    rows += 1
                    if rows > last_row:
                        raise _sheet_too_long(last_row)
    except FileRejected:
        raise
    except Exception as exc:
        raise FileRejected(_corrupt_message()) from exc


def _rows_of(
    sheet: Any,
    schema_fields: Mapping[str, fields.Field],
    headers: Mapping[str, str],
    max_rows: int,
) -> list[tuple[int, dict[str, Any]]]:
    last_row = _last_row(max_rows)
    if (sheet.max_row or 0) > last_row:  # the declared dimension, read before any row
        raise _sheet_too_long(last_row)
    # One row past the limit, so a missing or lying dimension is caught by reading too.
    rows = sheet.iter_rows(max_row=last_row + 1, max_col=MAX_COLUMNS, values_only=True)
    columns = _map_header(next(rows, None), schema_fields, headers)
    found: list[tuple[int, dict[str, Any]]] = []
    for row_number, cells in enumerate(rows, start=2):
        if row_number > last_row:
            raise _sheet_too_long(last_row)
        values = _row_values(cells, columns, schema_fields)
        if not values:
            continue
        if len(found) >= max_rows:
            raise FileRejected(gettext("数据超过 %(max)d 行的上限，请拆分后再导入", max=max_rows))
        found.append((row_number, values))
    return found


def _last_row(max_rows: int) -> int:
    """The last row a sheet may have: the header, the data rows and the blank allowance."""
    return 1 + max_rows + MAX_BLANK_ROWS


def _sheet_too_long(last_row: int) -> FileRejected:
    return FileRejected(
        gettext(
            "工作表超过 %(max)d 行（含空行）的上限，请删除多余的空行或拆分后再导入",
            max=last_row,
        )
    )


def _map_header(
    cells: tuple[Any, ...] | None,
    schema_fields: Mapping[str, fields.Field],
    headers: Mapping[str, str],
) -> dict[int, str]:
    """Column index -> load key; unknown columns are ignored, missing required ones fatal."""
    columns: dict[int, str] = {}
    for index, cell in enumerate(cells or ()):
        key = headers.get(str(cell).strip()) if cell is not None else None
        if key is not None and key not in columns.values():
            columns[index] = key
    if not columns:
        raise FileRejected(gettext("第 1 行不是模板的表头，请使用下载的导入模板"))
    missing = [
        title
        for title, key in headers.items()
        if schema_fields[key].required and key not in columns.values()
    ]
    if missing:
        raise FileRejected(gettext("缺少必填列：%(columns)s", columns="、".join(missing)))
    return columns


def _row_values(
    cells: tuple[Any, ...], columns: Mapping[int, str], schema_fields: Mapping[str, fields.Field]
) -> dict[str, Any]:
    """Only mapped columns count: a row with text only in ignored columns is blank."""
    values: dict[str, Any] = {}
    for index, key in columns.items():
        value = _input_value(cells[index], schema_fields[key]) if index < len(cells) else None
        if value is not None:
            values[key] = value
    return values


def _input_value(value: Any, schema_field: fields.Field) -> Any:
    """What a person typed into Excel, in the form the schema expects; None when empty.

    Excel stores every number as a float and often dates as datetimes, and people type
    phone and ID numbers as numbers.
    """
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(schema_field, fields.Date) and isinstance(value, datetime):
        return value.date()
    if isinstance(schema_field, fields.String) and _is_number(value):
        return str(value)
    if isinstance(schema_field, fields.Integer) and isinstance(value, float):
        return str(value)  # so 3.5 is rejected rather than truncated to 3
    return value


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _load_row(row_number: int, values: dict[str, Any], schema: Schema) -> RowResult:
    try:
        data = schema.load(values)
    except ValidationError as exc:
        return RowResult(row_number, None, _flatten(localize(exc.messages)))
    return RowResult(row_number, data, {})


def _flatten(messages: Any) -> dict[str, list[str]]:
    """marshmallow nests messages for nested fields; the report wants one list per column."""
    if not isinstance(messages, Mapping):
        return {SCHEMA_ERRORS_KEY: _strings(messages)}
    return {str(key): _strings(value) for key, value in messages.items()}


def _strings(value: Any) -> list[str]:
    if isinstance(value, Mapping):
        return [m for inner in value.values() for m in _strings(inner)]
    if isinstance(value, list | tuple):
        return [m for inner in value for m in _strings(inner)]
    return [str(value)]
