"""The official document format (GB/T 9704-2012 《党政机关公文格式》) for every formal .docx.

Every default template a plugin ships is put into this format when it is used
(:func:`conform`, called by :meth:`core.documents.services.Declared.default_bytes`), so
a plugin's template carries only its wording and structure, and the geometry and fonts
are written once, here. A tenant's uploaded replacement is used as uploaded: it is the
tenant's own letterhead and layout.

What the standard fixes and this module applies:

- A4 paper; 天头 (top) 37 mm, 订口 (left) 28 mm, 版心 156 × 225 mm, so bottom 35 mm and
  right 26 mm;
- 22 lines of 28 characters in the 版心: a document grid with a line pitch of 225/22 mm
  (≈ 28.95 pt) and a character pitch of 156/28 mm, and the body's lines exactly that;
- the title (标题) in 2号 (22 pt) 小标宋, centred; the body in 3号 (16 pt) 仿宋, the first
  line indented two characters; 一级标题 (一、) in 黑体, 二级标题 (（一）) in 楷体;
- the closing: 发文机关署名 and 成文日期 right-aligned, 右空四字, with room for the seal
  (印章 presses on both);
- the 版头 of document types that have one: the issuing body's mark (发文机关标志) centred
  in red 小标宋, and the red separator line (分隔线) under the 版头;
- page numbers (页码) at the foot, 4号 半角宋体, "— 1 —".

Font names: the standard's fonts (方正小标宋简体, 仿宋_GB2312, 楷体_GB2312) are not on every
machine. The document names them (eastAsia) and its font table gives each an alternative
(``w:altName``) that Word uses when the font is missing; WPS maps the _GB2312 names to
仿宋/楷体 itself.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable

import docx
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph
from lxml import etree

from core.plugins.types import RedHead

PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
MARGINS = {"top": Mm(37), "bottom": Mm(35), "left": Mm(28), "right": Mm(26)}
LINES, CHARS = 22, 28
BODY_SIZE, TITLE_SIZE, PAGE_NUMBER_SIZE, MARK_SIZE = Pt(16), Pt(22), Pt(14), Pt(36)
#: The line pitch of 22 lines in the 225 mm 版心: 28.95 pt (579 twips), the value Word
#: and WPS 公文 templates use (22 × 28.95 pt = 224.7 mm, the grid snaps in whole twips).
LINE_PITCH_PT = 28.95
#: 156 mm / 28 characters, in points (≈ 15.79).
CHAR_PITCH_PT = 156 / 25.4 * 72 / CHARS

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"
NUMBER_FONT = "宋体"
#: What Word uses when the standard's font is missing (font table ``w:altName``).
ALT_NAMES = {TITLE_FONT: "华文中宋", BODY_FONT: "仿宋", SUBHEADING_FONT: "楷体"}
RED = RGBColor(0xFF, 0x00, 0x00)

_HEADING = re.compile(r"^[一二三四五六七八九十]+、")
_SUBHEADING = re.compile(r"^（[一二三四五六七八九十]+）")
_DATE = re.compile(r"(_on|date|日期)\s*}}|\d{4}\s*年.*月.*日|年\s*月\s*日$")
_SIGNATURE = re.compile(r"unit_full_name|tenant_name|（盖章）|（印章）")


def conform(data: bytes, red_head: RedHead | None = None) -> bytes:
    """``data`` (a .docx) in the official format; the text and tags are left as they are."""
    document = docx.Document(io.BytesIO(data))
    _page(document)
    _styles(document)
    _font_table(document)
    paragraphs = [p for p in document.paragraphs]
    head = _red_head(document, paragraphs, red_head) if red_head else []
    body = [p for p in document.paragraphs if p._p not in {h._p for h in head}]
    title = _title(body)
    closing = _closing(body)
    for paragraph in body:
        if paragraph is title:
            _format_title(paragraph)
        elif paragraph in closing:
            _format_closing(paragraph, closing.index(paragraph) == 0)
        else:
            _format_body(paragraph)
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    _fonts(paragraph.runs, BODY_FONT, None)
    _page_numbers(document)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# -- page and styles ----------------------------------------------------------------------


def _page(document: Document) -> None:
    for section in document.sections:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
        for side, value in MARGINS.items():
            setattr(section, f"{side}_margin", value)
        section.header_distance, section.footer_distance = Mm(15), Mm(25)
        sect = section._sectPr
        grid = sect.find(qn("w:docGrid"))
        if grid is None:
            grid = OxmlElement("w:docGrid")
            sect.append(grid)
        grid.set(qn("w:type"), "linesAndChars")
        grid.set(qn("w:linePitch"), str(round(LINE_PITCH_PT * 20)))  # twips
        # Points added to each 16 pt character, in 1/4096 pt: 28 characters fill 156 mm.
        grid.set(qn("w:charSpace"), str(round((CHAR_PITCH_PT - 16) * 4096)))


def _set_east_asia(element, font: str) -> None:
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), font)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)


def _styles(document: Document) -> None:
    normal = document.styles["Normal"]
    normal.font.size = BODY_SIZE
    _set_east_asia(normal.element, BODY_FONT)
    spacing = normal.paragraph_format
    spacing.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    spacing.line_spacing = Pt(round(LINE_PITCH_PT, 2))
    spacing.space_before = spacing.space_after = Pt(0)
    for name, font, size in (
        ("Heading 1", TITLE_FONT, TITLE_SIZE),
        ("Title", TITLE_FONT, TITLE_SIZE),
        ("Heading 2", HEADING_FONT, BODY_SIZE),
        ("Heading 3", SUBHEADING_FONT, BODY_SIZE),
    ):
        if name not in [s.name for s in document.styles]:
            continue
        style = document.styles[name]
        style.font.size, style.font.bold, style.font.color.rgb = size, False, RGBColor(0, 0, 0)
        _set_east_asia(style.element, font)
        style.paragraph_format.space_before = style.paragraph_format.space_after = Pt(0)


def _font_table(document: Document) -> None:
    part = next(
        (p for p in document.part.package.iter_parts() if p.partname == "/word/fontTable.xml"),
        None,
    )
    if part is None:
        return
    root = etree.fromstring(part.blob)
    known = {f.get(qn("w:name")) for f in root.findall(qn("w:font"))}
    for font, alternative in ALT_NAMES.items():
        if font in known:
            continue
        entry = etree.SubElement(root, qn("w:font"), {qn("w:name"): font})
        etree.SubElement(entry, qn("w:altName"), {qn("w:val"): alternative})
        etree.SubElement(entry, qn("w:charset"), {qn("w:val"): "86"})  # GB2312
        etree.SubElement(entry, qn("w:family"), {qn("w:val"): "modern"})
        etree.SubElement(entry, qn("w:pitch"), {qn("w:val"): "fixed"})
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


# -- paragraphs ---------------------------------------------------------------------------


def _fonts(runs: Iterable, font: str, size: Pt | None, bold: bool | None = None) -> None:
    for run in runs:
        _set_east_asia(run._element, font)
        if size is not None:
            run.font.size = size
        if bold is not None:
            run.font.bold = bold


def _red_head(document: Document, paragraphs: list[Paragraph], head: RedHead) -> list[Paragraph]:
    first = next((p for p in paragraphs if p.text.strip()), None)
    if first is None or first.text.replace(" ", "") != head.mark.replace(" ", ""):
        anchor = paragraphs[0] if paragraphs else document.add_paragraph()
        first = anchor.insert_paragraph_before(head.mark)
    block = [first]
    following = document.paragraphs
    start = [p._p for p in following].index(first._p)
    block += following[start + 1 : start + head.lines]
    first.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _fonts(first.runs, TITLE_FONT, MARK_SIZE, bold=False)
    for run in first.runs:
        run.font.color.rgb = RED
    first.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    for paragraph in block[1:]:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _fonts(paragraph.runs, BODY_FONT, BODY_SIZE)
    _red_line(block[-1])
    return block


def _red_line(paragraph: Paragraph) -> None:
    """The 分隔线 under the 版头: a red rule at the paragraph's foot."""
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", "12"), ("space", "8"), ("color", "FF0000")):
        bottom.set(qn(f"w:{key}"), value)
    borders.append(bottom)
    ppr.append(borders)


def _is_heading_style(paragraph: Paragraph) -> bool:
    return paragraph.style is not None and paragraph.style.name in ("Heading 1", "Title")


def _title(body: list[Paragraph]) -> Paragraph | None:
    """The document's title: a Heading 1/Title paragraph, else a centred or large first
    paragraph."""
    styled = next((p for p in body if _is_heading_style(p)), None)
    if styled is not None:
        return styled
    first = next((p for p in body if p.text.strip()), None)
    if first is None:
        return None
    large = any(r.font.size is not None and r.font.size >= Pt(18) for r in first.runs)
    return first if large or first.alignment == WD_ALIGN_PARAGRAPH.CENTER else None


def _closing(body: list[Paragraph]) -> list[Paragraph]:
    """落款: the signature and/or date that end the document (in that order)."""
    filled = [p for p in body if p.text.strip() and not p.text.strip().startswith("{%")]
    closing: list[Paragraph] = []
    if filled and _DATE.search(filled[-1].text) and len(filled[-1].text) < 40:
        closing.append(filled.pop())
    if filled and _SIGNATURE.search(filled[-1].text) and len(filled[-1].text) < 40:
        closing.insert(0, filled.pop())
    return closing


def _format_title(paragraph: Paragraph) -> None:
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.first_line_indent = Pt(0)
    paragraph.paragraph_format.space_after = Pt(round(LINE_PITCH_PT, 2))  # 空一行
    _fonts(paragraph.runs, TITLE_FONT, TITLE_SIZE, bold=False)


def _format_closing(paragraph: Paragraph, first: bool) -> None:
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    paragraph.paragraph_format.first_line_indent = Pt(0)
    paragraph.paragraph_format.right_indent = Pt(4 * 16)  # 右空四字
    if first:
        # Room for the seal above the signature when the template leaves no blank line.
        previous = paragraph._p.getprevious()
        if previous is not None and "".join(previous.itertext()).strip():
            paragraph.paragraph_format.space_before = Pt(round(2 * LINE_PITCH_PT, 2))
    _fonts(paragraph.runs, BODY_FONT, BODY_SIZE, bold=False)


def _format_body(paragraph: Paragraph) -> None:
    text = paragraph.text.strip()
    style = paragraph.style.name if paragraph.style is not None else ""
    if style == "Heading 2" or (_HEADING.match(text) and len(text) <= 30):
        _fonts(paragraph.runs, HEADING_FONT, BODY_SIZE, bold=False)
    elif style == "Heading 3" or (_SUBHEADING.match(text) and len(text) <= 30):
        _fonts(paragraph.runs, SUBHEADING_FONT, BODY_SIZE, bold=False)
    else:
        _fonts(paragraph.runs, BODY_FONT, BODY_SIZE)
    # 首行缩进二字, except for the salutation (“…：”) and template tags on lines of their own.
    flowing = paragraph.alignment in (None, WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.JUSTIFY)
    if flowing and text and not text.startswith("{%") and not text.endswith("："):
        paragraph.paragraph_format.first_line_indent = Pt(2 * 16)


# -- page numbers -------------------------------------------------------------------------


def _page_numbers(document: Document) -> None:
    """页码: "— 1 —" at the foot, 4号 半角宋体 (centred: one rule for odd and even pages)."""
    for section in document.sections:
        footer = section.footer
        paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
        if "PAGE" in "".join(paragraph._p.itertext()) or paragraph._p.xpath(".//w:fldSimple"):
            continue
        for run in list(paragraph.runs):
            run._element.getparent().remove(run._element)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        before, number = paragraph.add_run("— "), paragraph.add_run("1")
        field = OxmlElement("w:fldSimple")
        field.set(qn("w:instr"), "PAGE")
        number._element.addprevious(field)
        field.append(number._element)  # the number Word shows until it updates the field
        after = paragraph.add_run(" —")
        _fonts([before, number, after], NUMBER_FONT, PAGE_NUMBER_SIZE)
