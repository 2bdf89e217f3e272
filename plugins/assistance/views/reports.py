"""The reports page (统计报表, with its charts), the exports (.xlsx, the annual report
.docx) and the import of an existing register."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from core import clock
from core.db import db
from core.documents.services import render as render_document
from core.exportruns.service import answer_export
from core.exports import download_response
from core.forms import load_form
from core.imports import template_xlsx
from core.routing import require_permission
from plugins.assistance import documents
from plugins.assistance.exports import REGISTER_EXPORT
from plugins.assistance.permissions import REGISTER, VIEW
from plugins.assistance.queries import reports
from plugins.assistance.schemas.forms import ImportForm, PeriodForm, YearForm
from plugins.assistance.services import imports
from plugins.assistance.views.blueprint import bp


def _year() -> int:
    data, errors = load_form(YearForm(), request.args.to_dict())
    return data.get("year") or clock.today().year if not errors else clock.today().year


@bp.get("/reports")
def report_page():
    require_permission(VIEW)
    year = _year()
    summary = reports.annual_summary(year)
    return render_template(
        "assistance/reports.html",
        year=year,
        summary=summary,
        loans=reports.loans_report(),
        charts=reports.chart_data(summary),
    )


@bp.get("/reports/register.xlsx")
def register_xlsx():
    require_permission(VIEW)
    return answer_export(REGISTER_EXPORT.name, {"format": "xlsx"})


@bp.get("/reports/statement.xlsx")
def statement_xlsx():
    require_permission(VIEW)
    period, errors = load_form(PeriodForm(), request.args.to_dict())
    period = {} if errors else period
    data = documents.statement_xlsx(period.get("start"), period.get("end"))
    return download_response(data, "帮扶基金收支明细表.xlsx", "xlsx")


@bp.get("/reports/loans.xlsx")
def loans_xlsx():
    require_permission(VIEW)
    return download_response(documents.loans_xlsx(), "借款台账.xlsx", "xlsx")


@bp.get("/reports/annual.docx")
def annual_docx():
    require_permission(VIEW)
    year = _year()
    context = documents.annual_context(year, g.tenant)
    data = render_document(documents.ANNUAL_NAME, context, g.tenant)
    return download_response(data, f"困难党员帮扶工作年度报告_{year}.docx", "docx")


@bp.route("/import", methods=["GET", "POST"])
def import_register():
    require_permission(REGISTER)
    report = None
    if request.method == "POST":
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            flash(_("请选择要导入的 .xlsx 文件。"), "danger")
            return redirect(url_for(".import_register"))
        valid_only = load_form(ImportForm())[0].get("valid_only", False)
        report = imports.import_register(upload.stream, g.actor, valid_only=valid_only)
        if (report.ok or valid_only) and not report.file_errors:
            flash(_("已导入 %(n)s 条。", n=len(report.valid_rows)), "success")
        else:
            db.session.rollback()
            flash(_("导入文件未通过校验，未写入任何数据。"), "danger")
            return render_template("assistance/import.html", report=report), 422
    return render_template("assistance/import.html", report=report)


@bp.get("/import-template.xlsx")
def import_template():
    require_permission(REGISTER)
    return download_response(
        template_xlsx(imports.IMPORT_HEADERS), "困难党员台账导入模板.xlsx", "xlsx"
    )
