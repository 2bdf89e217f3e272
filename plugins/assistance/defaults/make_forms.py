"""Write the assistance plugin's default record forms (.docx):

    .venv/bin/python -m plugins.assistance.defaults.make_forms

The tags are the keys of the samples in :mod:`plugins.assistance.documents`
(``NOTICE_SAMPLE``, ``APPROVAL_SAMPLE``, ``RECEIPT_SAMPLE``). Run again after changing a
form, and commit the .docx files.
"""

from __future__ import annotations

from pathlib import Path

from core.documents.form_layout import write_form

HERE = Path(__file__).parent

NOTICE_FIELDS = [
    ("档案编号", "serial"),
    ("姓名", "name"),
    ("所在党组织", "branch"),
    ("困难类别", "category"),
    ("困难程度", "level"),
    ("致困原因", "causes"),
    ("家庭人口", "household_size"),
    ("公示期", "notice_period"),
]
APPROVAL_FIELDS = [
    ("救助编号", "serial"),
    ("姓名", "name"),
    ("所在党组织", "branch"),
    ("困难档案", "record_serial"),
    ("困难程度", "level"),
    ("救助类别", "kind"),
    ("救助金额", "amount"),
    ("申请事由", "reason"),
    ("申请日期", "applied_on"),
    ("审批人", "approver_name"),
    ("审批日期", "approved_on"),
    ("审批文号", "document_no"),
]
RECEIPT_COLUMNS = [
    ("姓名", "name"),
    ("所在党组织", "branch"),
    ("困难程度", "level"),
    ("慰问金（元）", "amount"),
    ("签收人", "signed"),
]

if __name__ == "__main__":
    write_form(HERE / "notice_table.docx", "困难党员认定公示表", NOTICE_FIELDS)
    write_form(HERE / "approval_form.docx", "困难党员救助审批表", APPROVAL_FIELDS)
    write_form(
        HERE / "receipt_sheet.docx",
        "走访慰问签收表",
        [("慰问活动", "name"), ("开始日期", "starts_on")],
        rows=("rows", RECEIPT_COLUMNS),
    )
