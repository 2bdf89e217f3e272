"""Write the petitions plugin's default record form (.docx), 信访登记表（阅批单）:

    .venv/bin/python -m plugins.petitions.defaults.make_forms

The tags are the keys of :data:`plugins.petitions.documents.forms.SAMPLE`; the last two
rows stay blank for the leader's pen. Run again after changing the form, and commit it.
"""

from __future__ import annotations

from pathlib import Path

from core.documents.form_layout import write_form

HERE = Path(__file__).parent

FIELDS = [
    ("编号", "serial"),
    ("收件日期", "received_on"),
    ("来源渠道", "channel"),
    ("信访类别", "kind"),
    ("紧急程度", "urgency"),
    ("内容分类", "category"),
    ("信访人", "petitioners"),
    ("联系方式", "contacts"),
    ("人数", "people_count"),
    ("主要内容", "summary"),
    ("详细情况", "details"),
    ("承办单位", "handler"),
    ("受理期限", "accept_due"),
    ("拟办意见", "blank"),
    ("领导批示", "blank"),
]

if __name__ == "__main__":
    write_form(HERE / "registration_form.docx", "信访登记表（阅批单）", FIELDS)
