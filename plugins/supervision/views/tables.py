"""Reminders, the scan, the monthly tables, the bulletin and the import page."""

from __future__ import annotations

from typing import Any

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from core.exports import download_response
from core.forms import as_typed, load_form
from core.routing import require_permission
from plugins.supervision import documents
from plugins.supervision.jobs import scan
from plugins.supervision.permissions import ASSIGN, VIEW
from plugins.supervision.queries import tables
from plugins.supervision.schemas import (
    SupervisionViewQuery,
)
from plugins.supervision.services import followup, imports
from plugins.supervision.views.blueprint import bp


@bp.post("/reminders/<int:reminder_id>/done")
def reminder_done(reminder_id: int):
    require_permission(VIEW)
    reminder = followup.dismiss_reminder(reminder_id, g.actor)
    return redirect(url_for(".item", item_id=reminder.item_id)), 303


@bp.post("/scan")
def run_scan():
    require_permission(ASSIGN)
    counts = scan()
    sent = sum(v for k, v in counts.items() if k != "lights")
    flash(_("已更新亮灯，发送提醒 %(n)s 条", n=sent), "success")
    return redirect(url_for(".board")), 303


# -- Tables and the bulletin -----------------------------------------------------------


def _query() -> tuple[str | None, str | None, dict[str, Any]]:
    """The month asked for (``None``: this month, also when mistyped), the format, and
    the query as typed (to show it again)."""
    schema = SupervisionViewQuery()
    data, errors = load_form(schema, request.args.to_dict())
    month = None if "month" in errors else data.get("month")
    return month, data.get("format"), as_typed(schema, request.args.to_dict())


def _month() -> str | None:
    return _query()[0]


@bp.get('/<any(week, "month-plan", "month-summary", performance, overdue):name>')
def table(name: str):
    require_permission(VIEW)
    month, fmt, typed = _query()
    view, filename = tables.view(name, month)
    if fmt == "xlsx":
        return download_response(documents.table_xlsx(view), filename, "xlsx")
    return render_template(
        "supervision/table.html",
        table=view,
        month=typed.get("month", "") if name in tables.MONTHLY else None,
        export_args={**typed, "format": "xlsx", "name": name},
    )


@bp.get("/bulletin")
def bulletin_docx():
    require_permission(VIEW)
    month = _month()
    data = documents.bulletin_docx(g.tenant, month)
    return download_response(data, documents.bulletin_filename(month), "docx")


# -- Import ---------------------------------------------------------------------------------


@bp.route("/import", methods=["GET", "POST"])
def import_items():
    require_permission(ASSIGN)
    outcome = None
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            errors["file"] = [_("请选择要导入的 .xlsx 文件。")]
        else:
            outcome = imports.import_items(upload.stream, g.actor)
            if outcome["imported"]:
                flash(_("已导入 %(n)s 项督办事项", n=outcome["imported"]), "success")
                return redirect(url_for(".board")), 303
    return render_template(
        "supervision/import.html",
        outcome=outcome,
        errors=errors,
        headers=imports.HEADERS,
    ), (422 if errors or outcome else 200)
