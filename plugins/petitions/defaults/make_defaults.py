"""Write the default notice templates (.docx) shipped with the petitions plugin.

    .venv/bin/python -m plugins.petitions.defaults.make_defaults

Each placeholder sits in a paragraph of its own run (python-docx writes one run per
``add_paragraph``), so docxtpl finds every ``{{ tag }}`` whole. The variables are those
of each template's ``sample_context`` in :mod:`plugins.petitions.documents.notices`; a tenant may
replace any of these files on its 文书模板 page. Run again after changing the texts, and
commit the .docx files.
"""

from __future__ import annotations

from pathlib import Path

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

HERE = Path(__file__).parent
FONT = "仿宋"  # 公文正文 (GB/T 9704): 仿宋 三号
TITLE_FONT = "宋体"


def _document() -> docx.Document:
    document = docx.Document()
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(16)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    return document


def _title(document: docx.Document, text: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    run.bold = True
    run.font.size = Pt(22)
    run.font.name = TITLE_FONT
    run._element.rPr.rFonts.set(qn("w:eastAsia"), TITLE_FONT)


def _right(document: docx.Document, text: str) -> None:
    document.add_paragraph(text).alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _body(document: docx.Document, text: str) -> None:
    paragraph = document.add_paragraph(text)
    paragraph.paragraph_format.first_line_indent = Pt(32)


def _signature(document: docx.Document, date_tag: str) -> None:
    document.add_paragraph()
    _right(document, "{{ unit_full_name }}")
    _right(document, date_tag)


def acceptance_notice() -> docx.Document:
    d = _document()
    _title(d, "受理告知书")
    _right(d, "编号：{{ serial }}")
    d.add_paragraph("{{ petitioner_name }}：")
    _body(
        d,
        "你（你们）于{{ received_on }}通过{{ channel }}反映的“{{ summary }}”问题收悉。"
        "根据《信访工作条例》第二十二条、第二十三条的规定，经审查，该信访事项属于本机关职责范围，"
        "本机关决定予以受理。",
    )
    _body(
        d,
        "本机关将自受理之日起{{ close_days }}日内（即{{ close_due }}前）办结，并书面答复你（你们）。"
        # 信访工作条例's own formula: who approves, the cap, and the duty to give the reason.
        "情况复杂的，经本机关负责人批准，可以适当延长办理期限，但延长期限不得超过30日，"
        "并告知你（你们）延期理由。",
    )
    _body(d, "特此告知。")
    _signature(d, "{{ accepted_on }}")
    return d


def non_acceptance_notice() -> docx.Document:
    d = _document()
    _title(d, "不予受理告知书")
    _right(d, "编号：{{ serial }}")
    d.add_paragraph("{{ petitioner_name }}：")
    _body(
        d,
        "你（你们）于{{ received_on }}通过{{ channel }}反映的“{{ summary }}”问题收悉。"
        "经审查，该信访事项{{ reason }}，根据《信访工作条例》的有关规定，本机关不予受理。",
    )
    _body(d, "{{ advice }}")
    _body(d, "特此告知。")
    _signature(d, "{{ decided_on }}")
    return d


def reply() -> docx.Document:
    d = _document()
    _title(d, "答复意见书")
    _right(d, "编号：{{ serial }}")
    d.add_paragraph("{{ petitioner_name }}：")
    _body(
        d,
        "你（你们）于{{ received_on }}反映的“{{ summary }}”问题，本机关已于{{ accepted_on }}受理。"
        "经调查核实，现答复如下：",
    )
    _body(d, "{{ reply_text }}")
    _body(d, "处理意见：{{ outcome }}。")
    _body(
        d,
        "你（你们）如对本答复意见不服，可以自收到本答复意见书之日起30日内，"
        "向本机关的上一级机关请求复查。",
    )
    _signature(d, "{{ replied_on }}")
    return d


def extension_notice() -> docx.Document:
    """延期办理告知书 (信访工作条例 Art. 34: the petitioner is told of the extension and
    its reason)."""
    d = _document()
    _title(d, "延期办理告知书")
    _right(d, "编号：{{ serial }}")
    d.add_paragraph("{{ petitioner_name }}：")
    _body(
        d,
        "你（你们）于{{ received_on }}通过{{ channel }}反映的“{{ summary }}”问题，"
        "本机关已于{{ accepted_on }}受理。",
    )
    _body(
        d,
        "因{{ reason }}，该信访事项情况复杂，根据《信访工作条例》第三十四条的规定，"
        "经本机关负责人批准，办理期限延长{{ extended_days }}日。"
        "本机关将于{{ close_due }}前办结，并书面答复你（你们）。",
    )
    _body(d, "特此告知。")
    _signature(d, "{{ extended_on }}")
    return d


def assignment_letter() -> docx.Document:
    d = _document()
    _title(d, "交办函")
    _right(d, "编号：{{ serial }}")
    d.add_paragraph("{{ target_name }}：")
    _body(
        d,
        "现将本机关于{{ received_on }}收到的信访件（编号：{{ serial }}，来源：{{ channel }}，"
        "性质：{{ kind }}）交你单位办理。",
    )
    _body(d, "信访人：{{ petitioner_name }}")
    _body(d, "主要问题：{{ summary }}")
    _body(d, "详细情况：{{ details }}")
    _body(
        d,
        "请你单位认真调查处理，依法作出处理意见并答复信访人，"
        "并于{{ report_back_due }}前将办理结果书面报送本机关。"
        "对检举控告类信访件，应当严格保密，不得泄露检举人信息。",
    )
    _signature(d, "{{ decided_on }}")
    return d


def main() -> None:
    for make in (
        acceptance_notice,
        non_acceptance_notice,
        extension_notice,
        reply,
        assignment_letter,
    ):
        make().save(HERE / f"{make.__name__}.docx")


if __name__ == "__main__":
    main()
