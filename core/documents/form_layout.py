"""The layout of a standard paper form (登记表, 通知单, 审批表): a centred title, then a
two-column table of labels and values, then the issuing unit and the date. Each plugin's
``defaults/make_forms.py`` writes its shipped record forms with it, so every form looks
alike; a tenant replaces them on its 文书模板 page like any other template.

Values are docxtpl tags (``{{ serial }}``); a row of a list (``rows=``) is a docxtpl
table-row loop, so a sign-off sheet (慰问签收表) prints one line per person.
"""

from __future__ import annotations

from pathlib import Path

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH


def write_form(
    path: Path,
    title: str,
    fields: list[tuple[str, str]],
    rows: tuple[str, list[tuple[str, str]]] | None = None,
) -> None:
    """``fields``: (label, tag) pairs; ``rows``: (the list's name, its (header, tag)s)."""
    document = docx.Document()
    heading = document.add_paragraph(title)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading.runs[0].font.size = docx.shared.Pt(22)
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, tag in fields:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, "{{ " + tag + " }}"
    if rows is not None:
        name, columns = rows
        document.add_paragraph()
        listing = document.add_table(rows=3, cols=len(columns))
        listing.style = "Table Grid"
        for cell, (header, _tag) in zip(listing.rows[0].cells, columns, strict=True):
            cell.text = header
        listing.rows[1].cells[0].text = "{%tr for r in " + name + " %}"
        for cell, (_header, tag) in zip(listing.rows[2].cells, columns, strict=True):
            cell.text = "{{ r." + tag + " }}"
        extra = listing.add_row()
        extra.cells[0].text = "{%tr endfor %}"
        # docxtpl wants each {%tr %} tag alone in its row: the loop's rows are
        # [header] [for] [values] [endfor].
    document.add_paragraph()
    for text in ("{{ unit_full_name }}", "{{ printed_on }}"):
        document.add_paragraph(text).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    document.save(path)
