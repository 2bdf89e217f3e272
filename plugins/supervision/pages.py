"""Pages of the supervision plugin (``/t/<tenant>/supervision/...``).

Forms go through the same schemas and services as the API. Every action on an item is
one POST to ``/items/<id>/actions`` naming the action, so the item page is one form per
allowed action; refusals come back as a flash message with the reason.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from core.api.messages import localize
from core.attachments.services import attachments_of
from core.attachments.views import download_url
from core.db import db
from core.documents import services as documents
from core.exports import download_response
from core.forms import load_form
from core.routing import require_permission, tenant_blueprint
from core.workflow import WorkflowError
from plugins.supervision import bulletin, decomposition, services, views
from plugins.supervision.models import (
    ACCOUNTABILITY_KINDS,
    CYCLES,
    EXTENSION_STATES,
    LIGHTS,
    PRIORITIES,
    RATINGS,
    REMINDER_KINDS,
    SOURCES,
)
from plugins.supervision.scan import scan
from plugins.supervision.schemas import (
    SupervisionAccountabilityIn,
    SupervisionBoardQuery,
    SupervisionItemForm,
    SupervisionMonthQuery,
    SupervisionReportForm,
)
from plugins.supervision.workflow import ASSIGN, ITEM_FLOW, NOTE_TITLES, REPORT_FILES, STATES, VIEW

bp = tenant_blueprint(
    "supervision", __name__, kind="pages", plugin="supervision", prefix="/supervision"
)
bp.template_folder = "templates"


def _choices(mapping: dict[str, str]) -> list[tuple[str, str, bool]]:
    return [(key, _(title), False) for key, title in mapping.items()]


def _errors(exc: ValidationError) -> dict[str, Any]:
    messages = exc.messages if isinstance(exc.messages, dict) else {"_": exc.messages}
    return localize(messages)


# -- Board and item ------------------------------------------------------------------------


@bp.get("/")
def board():
    require_permission(VIEW)
    filters, errors = load_form(SupervisionBoardQuery(), request.args.to_dict())
    if errors:
        filters = {"format": "json"}
    if filters.get("format") == "xlsx":
        return download_response(views.board(g.tenant, filters).xlsx(), "督办事项看板.xlsx", "xlsx")
    table = views.board(g.tenant, filters)
    return render_template(
        "supervision/board.html",
        table=table,
        filters=request.args,
        people=services.tenant_people(),
        sections=services.sections(),
        sources=_choices(SOURCES),
        states=_choices(STATES),
        lights=_choices(LIGHTS),
        export_args={**request.args.to_dict(), "format": "xlsx"},
    )


def _item_form_page(form: dict[str, Any], errors: dict[str, Any]):
    return render_template(
        "supervision/item_form.html",
        form=form,
        errors=errors,
        people=[(u.id, u.display_name, False) for u in services.tenant_people()],
        sections=[(u.id, u.name, False) for u in services.sections()],
        sources=_choices(SOURCES),
        cycles=_choices(CYCLES),
        priorities=_choices(PRIORITIES),
    ), (422 if errors else 200)


def _milestones_from_form() -> list[dict[str, str]]:
    titles = request.form.getlist("milestone_title")
    dues = request.form.getlist("milestone_due")
    return [{"title": t, "due": d} for t, d in zip(titles, dues, strict=False) if t or d]


@bp.route("/items/new", methods=["GET", "POST"])
def new_item():
    require_permission(ASSIGN)
    form: dict[str, Any] = {"source": "priorities", "feedback_cycle": "monthly"}
    form.update({k: v for k, v in request.args.items() if k == "parent_id"})
    errors: dict[str, Any] = {}
    if request.method == "POST":
        form = request.form.to_dict()
        raw = {**form, "milestones": _milestones_from_form()}
        raw["co_handler_ids"] = [c for c in request.form.getlist("co_handler_ids") if c]
        raw["assign"] = "assign" in request.form
        data, errors = load_form(SupervisionItemForm(), raw)
        if not errors:
            try:
                item = services.create_item(
                    {
                        k: v
                        for k, v in data.items()
                        if k not in ("milestones", "co_handler_ids", "assign")
                    },
                    g.actor,
                    milestones=data["milestones"],
                    co_handler_ids=data["co_handler_ids"],
                    assign=data["assign"],
                )
            except ValidationError as exc:
                errors = _errors(exc)
            except WorkflowError as exc:
                errors = {"_": [exc.message]}
            else:
                flash(_("已立项：%(serial)s", serial=item.serial), "success")
                return redirect(url_for(".item", item_id=item.id))
    return _item_form_page(form, errors)


@bp.get("/items/<int:item_id>")
def item(item_id: int):
    require_permission(VIEW)
    record = services.item_or_404(item_id)
    reports = list(reversed(services.reports_of(record)))
    files = {r.id: attachments_of(REPORT_FILES.name, r.id) for r in reports}
    people = {u.id: u.display_name for u in services.tenant_people()}
    parent = services.item_or_404(record.parent_id) if record.parent_id else None
    return render_template(
        "supervision/item.html",
        item=record,
        parent=parent,
        children=services.children_of(record),
        milestones=services.milestones_of(record),
        reports=reports,
        files=files,
        download_url=download_url,
        extensions=services.extensions_of(record),
        reminders=services.reminders_of(record),
        accountabilities=services.accountabilities_of(record),
        history=ITEM_FLOW.history(record),
        moves={t.name for t in ITEM_FLOW.available(record, g.actor, FORM_FILLED)},
        may_urge=services.may_urge(record, g.actor),
        people=people,
        light=views.light_of(g.tenant, record.id),
        states=STATES,
        sources=SOURCES,
        cycles=CYCLES,
        priorities=PRIORITIES,
        ratings=RATINGS,
        reminder_kinds=REMINDER_KINDS,
        extension_states=EXTENSION_STATES,
        accountability_kinds=ACCOUNTABILITY_KINDS,
        note_titles=NOTE_TITLES,
    )


#: What the action forms will ask for, so that guards on the form's own input do not
#: hide the form (the identity and state guards still decide).
FORM_FILLED = {"text": "…", "percent": 0, "rating": "good"}

ACTIONS = {
    "assign",
    "acknowledge",
    "report",
    "request_completion",
    "verify",
    "send_back",
    "rate",
    "archive",
}


@bp.post("/items/<int:item_id>/actions")
def item_action(item_id: int):
    require_permission(VIEW)
    record = services.item_or_404(item_id)
    action = request.form.get("action", "")
    try:
        comment = _field("comment") or None
        if action in ACTIONS:
            data: dict[str, Any] = {}
            if action == "report":
                loaded, errors = load_form(SupervisionReportForm())
                if errors:
                    raise ValidationError(errors)
                services.report_progress(
                    record,
                    loaded["text"],
                    loaded["percent"],
                    g.actor,
                    request.files.getlist("files"),
                )
                flash(_("操作已完成"), "success")
                return redirect(url_for(".item", item_id=record.id)), 303
            if action == "rate":
                data = {"rating": request.form.get("rating")}
            services.fire(record, action, g.actor, comment=comment, data=data)
        elif action == "remind":
            services.remind(record, _field("message"), g.actor)
        elif action == "escalate":
            services.escalate(record, _field("message"), g.actor)
        elif action == "extension":
            try:
                new_deadline = date.fromisoformat(request.form.get("new_deadline", ""))
            except ValueError:
                raise ValidationError(
                    {"new_deadline": [_("不是有效的日期（格式 YYYY-MM-DD）。")]}
                ) from None
            services.request_extension(record, new_deadline, _field("reason"), g.actor)
        elif action in ("approve_extension", "reject_extension"):
            extension_id = request.form.get("extension_id", "")
            if not extension_id.isdigit():
                raise ValidationError({"extension_id": [_("取值无效。")]})
            services.decide_extension(
                record, int(extension_id), action == "approve_extension", comment, g.actor
            )
        elif action == "back_schedule":
            steps = _steps_from_form()
            services.replace_milestones(record, steps, g.actor)
        elif action == "milestone_done":
            milestone_id = request.form.get("milestone_id", "")
            if not milestone_id.isdigit():
                raise ValidationError({"milestone_id": [_("取值无效。")]})
            services.complete_milestone(record, int(milestone_id), g.actor)
        elif action == "accountability":
            loaded, errors = load_form(SupervisionAccountabilityIn(unknown="exclude"))
            if errors:
                raise ValidationError(errors)
            services.add_accountability(record, loaded, g.actor)
        else:
            raise ValidationError({"action": [_("未知的操作")]})
    except ValidationError as exc:
        messages = exc.messages if isinstance(exc.messages, dict) else {"_": exc.messages}
        text = "；".join(m for ms in localize(messages).values() for m in _flat(ms))
        db.session.rollback()  # nothing of a refused action is kept (e.g. a report whose file was refused)
        flash(text or _("输入有误"), "danger")
        return redirect(url_for(".item", item_id=item_id)), 303
    except WorkflowError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
        return redirect(url_for(".item", item_id=item_id)), 303
    flash(_("操作已完成"), "success")
    return redirect(url_for(".item", item_id=record.id)), 303


def _field(name: str, limit: int = 2000) -> str:
    """A text input, stripped; NUL (which PostgreSQL cannot store) or overlong refused."""
    value = (request.form.get(name) or "").strip()
    if "\x00" in value or len(value) > limit:
        raise ValidationError({name: [_("取值无效。")]})
    return value


def _flat(messages: Any) -> list[str]:
    if isinstance(messages, str):
        return [messages]
    if isinstance(messages, dict):
        return [m for v in messages.values() for m in _flat(v)]
    return [m for v in messages for m in _flat(v)]


def _steps_from_form() -> list[tuple[str, int]]:
    steps = []
    for title, days in zip(
        request.form.getlist("step_title"), request.form.getlist("step_days"), strict=False
    ):
        if not title.strip() and not days.strip():
            continue
        if not title.strip() or not days.strip().isdigit() or not 1 <= int(days) <= 250:
            raise ValidationError({"steps": [_("每个步骤须有名称和 1 到 250 之间的工作日数")]})
        steps.append((title.strip()[:200], int(days)))
    if not steps:
        raise ValidationError({"steps": [_("至少填写一个步骤")]})
    return steps


@bp.post("/reminders/<int:reminder_id>/done")
def reminder_done(reminder_id: int):
    require_permission(VIEW)
    reminder = services.dismiss_reminder(reminder_id, g.actor)
    return redirect(url_for(".item", item_id=reminder.item_id)), 303


@bp.post("/scan")
def run_scan():
    require_permission(ASSIGN)
    counts = scan()
    sent = sum(v for k, v in counts.items() if k != "lights")
    flash(_("已更新亮灯，发送提醒 %(n)s 条", n=sent), "success")
    return redirect(url_for(".board")), 303


# -- Views ----------------------------------------------------------------------------------


def _table_page(table: views.Table, filename: str, month: bool = False):
    if request.args.get("format") == "xlsx":
        return download_response(table.xlsx(), filename, "xlsx")
    return render_template(
        "supervision/table.html",
        table=table,
        month=request.args.get("month", "") if month else None,
        export_args={**request.args.to_dict(), "format": "xlsx"},
    )


def _month() -> str | None:
    data, errors = load_form(SupervisionMonthQuery(), request.args.to_dict())
    return None if errors else data.get("month")


@bp.get("/week")
def week():
    require_permission(VIEW)
    return _table_page(views.week_schedule(), "本周工作安排.xlsx")


@bp.get("/month-plan")
def month_plan():
    require_permission(VIEW)
    return _table_page(views.month_plan(_month()), "月工作计划.xlsx", month=True)


@bp.get("/month-summary")
def month_summary():
    require_permission(VIEW)
    return _table_page(views.month_summary(_month()), "月工作小结.xlsx", month=True)


@bp.get("/performance")
def performance():
    require_permission(VIEW)
    return _table_page(views.performance(_month()), "月工作实绩公开.xlsx", month=True)


@bp.get("/overdue")
def overdue():
    require_permission(VIEW)
    return _table_page(views.overdue_by_leader(), "逾期事项清单.xlsx")


@bp.get("/bulletin")
def bulletin_docx():
    require_permission(VIEW)
    month = _month()
    data = documents.render(bulletin.NAME, bulletin.context(g.tenant, month))
    return download_response(data, bulletin.filename(month), "docx")


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
            outcome = decomposition.import_items(upload.stream, g.actor)
            if outcome["imported"]:
                flash(_("已导入 %(n)s 项督办事项", n=outcome["imported"]), "success")
                return redirect(url_for(".board")), 303
    return render_template(
        "supervision/import.html",
        outcome=outcome,
        errors=errors,
        headers=decomposition.HEADERS,
    ), (422 if errors or outcome else 200)
