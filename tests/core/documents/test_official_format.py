"""Every formal document is printed in the GB/T 9704-2012 format (issue 12).

For every template declared in the repository (core and each plugin), the document as
printed (the default rendered with its sample values) is opened with python-docx and
checked: A4, margins 37/35/28/26 mm, 22 lines × 28 characters, the title in 小标宋 2号,
the body in 仿宋 3号 (eastAsia font names, with the alternatives in the font table), the
closing right-aligned 右空四字, page numbers, and the red 版头 where the type has one.
On main the defaults were US Letter with Word's default margins and fonts.
"""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from core.documents import official, services
from core.plugins.types import RedHead
from core.tenancy.models import Tenant
from core.tenancy.scope import tenant_scope

ROOT = Path(__file__).resolve().parents[3]
ALL_PLUGINS = ["petitions", "supervision", "assistance", "reporting"]
FONTS = {
    official.TITLE_FONT,
    official.BODY_FONT,
    official.HEADING_FONT,
    official.SUBHEADING_FONT,
    official.NUMBER_FONT,
}


@pytest.fixture
def printed(app_context, factory) -> dict[str, tuple[services.Declared, docx.Document]]:
    tenant_id = factory.tenant("county", plugins=ALL_PLUGINS)
    with tenant_scope(tenant_id):
        from core.db import db

        tenant = db.session.get(Tenant, tenant_id)
        entries = services.declared(tenant)
        return {
            name: (
                entry,
                docx.Document(
                    io.BytesIO(services.render(name, entry.definition.sample_context, tenant))
                ),
            )
            for name, entry in entries.items()
        }


def _east_asia(element) -> str | None:
    fonts = element.find(qn("w:rPr") + "/" + qn("w:rFonts"))
    return None if fonts is None else fonts.get(qn("w:eastAsia"))


def _run_font(run, paragraph) -> str | None:
    return _east_asia(run._element) or _east_asia(paragraph.style.element)


def _run_size(run, paragraph):
    return run.font.size or paragraph.style.font.size


def test_every_default_docx_in_the_repository_is_a_declared_template(printed):
    shipped = {p.resolve() for p in ROOT.glob("*/**/defaults/*.docx")}
    declared = {entry.definition.default_path.resolve() for entry, _doc in printed.values()}
    assert shipped and shipped <= declared


def test_page_geometry_and_grid(printed):
    for name, (_entry, document) in printed.items():
        for section in document.sections:
            assert abs(section.page_width - Mm(210)) < Mm(0.5), name
            assert abs(section.page_height - Mm(297)) < Mm(0.5), name
            for side, mm in (("top", 37), ("bottom", 35), ("left", 28), ("right", 26)):
                assert abs(getattr(section, f"{side}_margin") - Mm(mm)) < Mm(0.5), (name, side)
            grid = section._sectPr.find(qn("w:docGrid"))
            assert grid.get(qn("w:type")) == "linesAndChars", name
            assert grid.get(qn("w:linePitch")) == "579", name  # 28.95 pt: 22 lines
            # 28 characters of 16 pt + charSpace/4096 pt each fill the 156 mm 版心.
            pitch = 16 + int(grid.get(qn("w:charSpace"))) / 4096
            assert abs(28 * pitch - 156 / 25.4 * 72) < 0.5, name


def test_body_fonts_and_sizes(printed):
    for name, (_entry, document) in printed.items():
        normal = document.styles["Normal"]
        assert _east_asia(normal.element) == "仿宋_GB2312", name
        assert normal.font.size == Pt(16), name
        assert normal.paragraph_format.line_spacing == Pt(28.95), name
        for paragraph in document.paragraphs:
            for run in paragraph.runs:
                if run.text.strip():
                    assert _run_font(run, paragraph) in FONTS, (name, paragraph.text)
        for table in document.tables:
            for cell in (c for row in table.rows for c in row.cells):
                for paragraph in cell.paragraphs:
                    for run in paragraph.runs:
                        assert _run_font(run, paragraph) == official.BODY_FONT, name


def _title(document):
    heads = [p for p in document.paragraphs if _run_size_of(p) == Pt(22)]
    return heads[0] if heads else None


def _run_size_of(paragraph):
    sizes = {_run_size(r, paragraph) for r in paragraph.runs if r.text.strip()}
    return sizes.pop() if len(sizes) == 1 else None


def test_titles_in_xiaobiaosong_2_hao(printed):
    titled = 0
    for name, (entry, document) in printed.items():
        if entry.definition.red_head is not None and entry.definition.red_head.lines > 1:
            continue  # a bulletin's 版头 names it; it has no separate title
        title = _title(document)
        assert title is not None, name
        assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER, name
        assert {_run_font(r, title) for r in title.runs} == {"方正小标宋简体"}, name
        titled += 1
    assert titled >= 6


def test_the_closing_is_right_aligned_four_characters_in(printed):
    signed = {n: v for n, v in printed.items() if v[0].definition.signed}
    assert "reporting.issue" in printed and "reporting.issue" not in signed
    for name, (_entry, document) in signed.items():
        last = [p for p in document.paragraphs if p.text.strip()][-1]
        assert last.alignment == WD_ALIGN_PARAGRAPH.RIGHT, (name, last.text)
        assert last.paragraph_format.right_indent == Pt(64), name


def test_font_table_names_alternatives_and_pages_are_numbered(printed):
    for name, (_entry, document) in printed.items():
        table = next(
            p for p in document.part.package.iter_parts() if p.partname == "/word/fontTable.xml"
        )
        assert "仿宋_GB2312" in table.blob.decode() and 'w:altName w:val="仿宋"' in (
            table.blob.decode()
        ), name
        footer = document.sections[0].footer._element
        assert footer.xpath(".//w:fldSimple[@w:instr='PAGE']"), name


def test_red_head_where_the_type_has_one(printed):
    entry, document = printed["supervision.bulletin"]
    assert entry.definition.red_head is not None
    mark = document.paragraphs[0]
    assert mark.text == "督 查 通 报"
    assert {str(r.font.color.rgb) for r in mark.runs} == {"FF0000"}
    assert {_run_font(r, mark) for r in mark.runs} == {"方正小标宋简体"}
    line = document.paragraphs[2]._p.find(qn("w:pPr") + "/" + qn("w:pBdr") + "/" + qn("w:bottom"))
    assert line is not None and line.get(qn("w:color")) == "FF0000"
    without = [n for n, (e, _d) in printed.items() if e.definition.red_head is None]
    for name in without:
        first = printed[name][1].paragraphs[0]
        assert not first._p.xpath(".//w:pBdr"), name


def test_a_red_head_mark_is_inserted_when_the_template_lacks_it():
    source = docx.Document()
    source.add_paragraph("交办函")
    source.add_paragraph("正文。")
    buffer = io.BytesIO()
    source.save(buffer)
    conformed = docx.Document(
        io.BytesIO(official.conform(buffer.getvalue(), RedHead("{{ unit_full_name }}")))
    )
    first, title = conformed.paragraphs[:2]
    assert first.text == "{{ unit_full_name }}"
    assert {str(r.font.color.rgb) for r in first.runs} == {"FF0000"}
    assert first._p.xpath(".//w:pBdr/w:bottom[@w:color='FF0000']")
    assert title.text == "交办函"
