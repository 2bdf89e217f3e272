"""信息要点: the upper level's page to keep its priorities — the year's list with the form
to add one, and a priority's page to edit it, retire or restore it, with its history.
A refused form comes back as it was typed, with the reason beside the field."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import EXCLUDE, ValidationError

from core import clock
from core.db import db
from core.forms import as_typed, load_form
from core.routing import require_permission
from core.workflow import WorkflowError
from plugins.reporting.models import Priority
from plugins.reporting.permissions import ADOPT
from plugins.reporting.priorities import queries, services
from plugins.reporting.priorities.schemas import PriorityIn, PriorityQuery
from plugins.reporting.priorities.workflow import PRIORITY_FLOW, PRIORITY_STATES
from plugins.reporting.views.blueprint import bp, messages_of, posted_comment

KNOWN = ["title", "year"]


def _year() -> int:
    data, errors = load_form(PriorityQuery(), request.args.to_dict())
    return clock.today().year if errors or not data.get("year") else data["year"]


@bp.get("/priorities")
def priorities():
    require_permission(ADOPT)
    return _list_page(_year(), {"year": _year()}, {})


def _list_page(year: int, form: dict[str, Any], errors: dict[str, Any]):
    return render_template(
        "reporting/priorities.html",
        year=year,
        rows=queries.own_priorities(year),
        form=form,
        errors=errors,
        known=KNOWN,
        states=PRIORITY_STATES,
    ), (422 if errors else 200)


@bp.post("/priorities")
def add_priority():
    require_permission(ADOPT)
    schema = PriorityIn(unknown=EXCLUDE)
    data, errors = load_form(schema)
    if errors:
        return _list_page(_year(), data, errors)
    try:
        made = services.create_priority(data, g.actor)
    except ValidationError as exc:
        db.session.rollback()
        return _list_page(_year(), as_typed(schema), messages_of(exc))
    flash(_("已新增信息要点：%(title)s", title=made.title), "success")
    return redirect(url_for(".priorities", year=made.year), 303)


def _priority_page(priority: Priority, form: dict[str, Any], errors: dict[str, Any]):
    moves = PRIORITY_FLOW.available(priority, g.actor)
    return render_template(
        "reporting/priority.html",
        priority=priority,
        form=form,
        errors=errors,
        known=KNOWN,
        moves=moves,
        history=queries.history_of(priority),
        states=PRIORITY_STATES,
    ), (422 if errors else 200)


@bp.get("/priorities/<int:priority_id>")
def priority(priority_id: int):
    require_permission(ADOPT)
    found = queries.priority_or_404(priority_id)
    return _priority_page(found, {"title": found.title, "year": found.year}, {})


@bp.post("/priorities/<int:priority_id>")
def edit_priority(priority_id: int):
    require_permission(ADOPT)
    found = queries.priority_or_404(priority_id)
    schema = PriorityIn(unknown=EXCLUDE)
    data, errors = load_form(schema)
    if errors:
        return _priority_page(found, data, errors)
    try:
        services.update_priority(found, data, g.actor)
    except ValidationError as exc:
        db.session.rollback()
        return _priority_page(
            queries.priority_or_404(priority_id), as_typed(schema), messages_of(exc)
        )
    flash(_("已保存修改"), "success")
    return redirect(url_for(".priority", priority_id=priority_id), 303)


@bp.post("/priorities/<int:priority_id>/transitions/<name>")
def move_priority(priority_id: int, name: str):
    require_permission(ADOPT)
    if name not in {t.name for t in PRIORITY_FLOW.transitions}:
        abort(404)
    found = queries.priority_or_404(priority_id)
    typed = {"title": found.title, "year": found.year}
    try:
        services.move_priority(found, name, g.actor, posted_comment())
    except (ValidationError, WorkflowError) as exc:
        db.session.rollback()
        message = exc.message if isinstance(exc, WorkflowError) else messages_of(exc)
        errors = {"_": [message]} if isinstance(message, str) else message
        return _priority_page(queries.priority_or_404(priority_id), typed, errors)
    flash(_("操作已完成"), "success")
    return redirect(url_for(".priority", priority_id=priority_id), 303)
