"""Helpers for the document-template tests: .docx files good and bad, reading them back."""

from __future__ import annotations

import io
import zipfile

import docx

from core.documents.member_form import DEFINITION
from core.documents.services import Declared
from core.plugins.manager import CORE

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
NAME = DEFINITION.name


def docx_bytes(*paragraphs: str, heading: str | None = None) -> bytes:
    document = docx.Document()
    if heading:
        document.add_heading(heading, level=1)
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def docx_text(data: bytes) -> str:
    """Every paragraph and table cell of a .docx, one per line."""
    document = docx.Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.extend(cell.text for cell in row.cells)
    return "\n".join(lines)


def zip_bytes(**files: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        for name, text in files.items():
            package.writestr(name, text)
    return out.getvalue()


def default_bytes() -> bytes:
    """The default as served: the shipped file in the official format (GB/T 9704)."""
    return Declared(CORE, DEFINITION).default_bytes()


def upload(data: bytes, filename: str = "登记表.docx") -> dict:
    return {"file": (io.BytesIO(data), filename, DOCX)}
