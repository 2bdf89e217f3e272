"""Write the supervision plugin's default record forms (.docx):

    .venv/bin/python -m plugins.supervision.defaults.make_forms

The tags are the keys of :data:`plugins.supervision.documents.NOTICE_SAMPLE`. Run again
after changing a form, and commit the .docx files.
"""

from __future__ import annotations

from pathlib import Path

from core.documents.form_layout import write_form

HERE = Path(__file__).parent

NOTICE_FIELDS = [
    ("编号", "serial"),
    ("督办事项", "title"),
    ("事项来源", "source"),
    ("交办依据", "source_ref"),
    ("责任领导", "leader"),
    ("责任科室", "section"),
    ("责任人", "person"),
    ("办理时限", "deadline"),
    ("反馈周期", "cycle"),
    ("督办要求", "requirements"),
]

if __name__ == "__main__":
    write_form(HERE / "notice_form.docx", "督办通知单", NOTICE_FIELDS)
