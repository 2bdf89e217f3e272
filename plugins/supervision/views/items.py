"""The board, the item form and page, and every move or action posted from an item
page (``/items/<id>/transitions/<move>``, ``/items/<id>/actions/<name>``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import EXCLUDE, Schema, ValidationError

from core.api.pagination import BadCursor
from core.attachments.services import attachments_of
from core.attachments.views import download_url
from core.db import db
from core.exportruns.service import answer_export
from core.forms import FormSchema, as_typed, load_form
from core.routing import require_permission
from core.workflow import WorkflowError
from plugins.supervision import presenters
from plugins.supervision.exports import BOARD
from plugins.supervision.models import (
    ACCOUNTABILITY_KINDS,
    CYCLES,
    EXTENSION_STATES,
    LIGHTS,
    PRIORITIES,
    RATINGS,
    REMINDER_KINDS,
    SOURCES,
    SupervisionItem,
)
from plugins.supervision.permissions import ASSIGN, VERIFY, VIEW
from plugins.supervision.queries import records
from plugins.supervision.queries.board import board_page
from plugins.supervision.queries.lights import light_of
from plugins.supervision.schemas import (
    SupervisionAccountabilityIn,
    SupervisionBackScheduleIn,
    SupervisionBoardQuery,
    SupervisionCommentIn,
    SupervisionDecisionForm,
    SupervisionEscalateForm,
    SupervisionExtensionIn,
    SupervisionItemIn,
    SupervisionItemPatch,
    SupervisionMessageIn,
    SupervisionMilestoneForm,
    SupervisionRateIn,
    SupervisionReportIn,
)
from plugins.supervision.services import followup, items
from plugins.supervision.views.blueprint import MOVES, bp, choices_of, form_errors
from plugins.supervision.workflow import ITEM_FLOW, REPORT_FILES, STATES

# -- Board and item ------------------------------------------------------------------------


@bp.get("/")
def board():
    require_permission(VIEW)
    filters, errors = load_form(SupervisionBoardQuery(), request.args.to_dict())
    if errors:
        filters = {"format": "json"}
    if filters.get("format") == "xlsx":
        return answer_export(BOARD.name, request.args.to_dict())
    try:
        table, next_cursor = board_page(g.tenant, filters, request.args.get("cursor"))
    except BadCursor:
        abort(400)
    return render_template(
        "supervision/board.html",
        table=table,
        page={"next_cursor": next_cursor},
        keep={k: v for k, v in request.args.items() if k != "cursor"},
        filters=request.args,
        people=records.tenant_people(),
        leaders=records.leaders(),
        sections=records.sections(),
        sources=choices_of(SOURCES),
        states=choices_of(STATES),
        lights=choices_of(LIGHTS),
        export_args={**request.args.to_dict(), "format": "xlsx"},
    )


def _item_form_page(form: dict[str, Any], errors: dict[str, Any], item=None):
    """立项 (``item`` None) or 修改 of an open item, with its choices: leaders only for
    责任领导, sections only for 责任科室."""
    return render_template(
        "supervision/item_form.html",
        form=form,
        errors=errors,
        item=item,
        leaders=[(u.id, u.display_name, False) for u in records.leaders()],
        people=[(u.id, u.display_name, False) for u in records.tenant_people()],
        sections=[(u.id, u.name, False) for u in records.sections()],
        sources=choices_of(SOURCES),
        cycles=choices_of(CYCLES),
        priorities=choices_of(PRIORITIES),
    ), (422 if errors else 200)


def _create_from_form() -> tuple[SupervisionItem | None, dict[str, Any], dict[str, Any]]:
    """立项 from the posted form: the item, the form as typed, and the errors by field."""
    schema = SupervisionItemIn(unknown=EXCLUDE)
    typed = as_typed(schema)
    data, errors = load_form(schema)
    if errors:
        return None, typed, errors
    extras = {key: data.pop(key) for key in ("milestones", "co_handler_ids", "assign")}
    try:
        return items.create_item(data, g.actor, **extras), typed, {}
    except ValidationError as exc:
        return None, typed, form_errors(exc)
    except WorkflowError as exc:
        return None, typed, {"_": [exc.message]}


@bp.route("/items/new", methods=["GET", "POST"])
def new_item():
    require_permission(ASSIGN)
    form: dict[str, Any] = {"source": "priorities", "feedback_cycle": "monthly"}
    form.update({k: v for k, v in request.args.items() if k == "parent_id"})
    errors: dict[str, Any] = {}
    if request.method == "POST":
        item, form, errors = _create_from_form()
        if item is not None:
            flash(_("已立项：%(serial)s", serial=item.serial), "success")
            return redirect(url_for(".item", item_id=item.id))
    return _item_form_page(form, errors)


@bp.route("/items/<int:item_id>/edit", methods=["GET", "POST"])
def edit_item(item_id: int):
    """修改 an open item's particulars (the deadline moves only by an approved extension)."""
    require_permission(ASSIGN)
    record = records.item_or_404(item_id)
    form = {key: getattr(record, key) for key in items.EDITABLE if getattr(record, key) is not None}
    errors: dict[str, Any] = {}
    if request.method == "POST":
        schema = edit_schema(record)
        form = as_typed(schema)
        data, errors = load_form(schema)
        if not errors:
            try:
                items.update_item(record, data, g.actor)
            except ValidationError as exc:
                errors = form_errors(exc)
            except WorkflowError as exc:
                errors = {"_": [exc.message]}
        if not errors:
            flash(_("已保存对 %(serial)s 的修改", serial=record.serial), "success")
            return redirect(url_for(".item", item_id=record.id)), 303
        db.session.rollback()
    return _item_form_page(form, errors, item=record)


def edit_schema(record: SupervisionItem) -> Schema:
    """The edit form's fields: the responsible person only before the item is assigned
    (the form does not show it after); the title required."""
    exclude = () if record.state == "created" else ("person_user_id",)
    schema = SupervisionItemPatch(unknown=EXCLUDE, exclude=exclude)
    # The form always shows the title: blank is a mistake, not "leave it as it is".
    schema.load_fields["title"].required = True
    return schema


@bp.get("/items/<int:item_id>")
def item(item_id: int):
    require_permission(VIEW)
    record = records.item_or_404(item_id)
    reports = list(reversed(records.reports_of(record)))
    files = {r.id: attachments_of(REPORT_FILES.name, r.id) for r in reports}
    people = {u.id: u.display_name for u in records.tenant_people()}
    parent = records.item_or_404(record.parent_id) if record.parent_id else None
    return render_template(
        "supervision/item.html",
        item=record,
        parent=parent,
        children=records.children_of(record),
        milestones=records.milestones_of(record),
        reports=reports,
        files=files,
        download_url=download_url,
        extensions=records.extensions_of(record),
        reminders=records.reminders_of(record),
        accountabilities=records.accountabilities_of(record),
        history=presenters.history(record, people),
        moves={t.name for t in ITEM_FLOW.available(record, g.actor, FORM_FILLED)},
        may_urge=followup.may_urge(record, g.actor),
        may_hold_accountable=followup.accountability_applicable(record) and g.actor.can(VERIFY),
        may_edit=record.is_open and g.actor.can(ASSIGN),
        people=people,
        light=light_of(g.tenant, record.id),
        states=STATES,
        sources=SOURCES,
        cycles=CYCLES,
        priorities=PRIORITIES,
        ratings=RATINGS,
        reminder_kinds=REMINDER_KINDS,
        extension_states=EXTENSION_STATES,
        accountability_kinds=ACCOUNTABILITY_KINDS,
        move_names=MOVES,
    )


#: What the action forms will ask for, so that guards on the form's own input do not
#: hide the form (the identity and state guards still decide).
FORM_FILLED = {"text": "…", "percent": 0, "rating": "good"}


def _form(schema: Schema) -> dict[str, Any]:
    """The posted form loaded through ``schema`` (its unknown keys dropped)."""
    schema.unknown = FormSchema.Meta.unknown
    data, errors = load_form(schema)
    if errors:
        raise ValidationError(errors)
    return data


def _move(item: SupervisionItem, name: str) -> None:
    if name == "report":  # with the files posted beside it
        data = _form(SupervisionReportIn())
        files = request.files.getlist("files")
        items.report_progress(item, data["text"], data["percent"], g.actor, files)
        return
    data = _form(SupervisionRateIn() if name == "rate" else SupervisionCommentIn())
    comment = data.pop("comment", None)
    items.fire(item, name, g.actor, comment=comment, data=data)


def _decide(approve: bool) -> Callable[[SupervisionItem], Any]:
    def decide(item: SupervisionItem) -> Any:
        data = _form(SupervisionDecisionForm())
        return followup.decide_extension(
            item, data["extension_id"], approve, data.get("comment"), g.actor
        )

    return decide


#: The item page's actions besides workflow moves: each loads its form and calls a service.
ACTIONS: dict[str, Callable[[SupervisionItem], Any]] = {
    "remind": lambda item: followup.remind(item, _form(SupervisionMessageIn())["message"], g.actor),
    "escalate": lambda item: followup.escalate(
        item, _form(SupervisionEscalateForm())["message"], g.actor
    ),
    "extension": lambda item: followup.request_extension(
        item, **_form(SupervisionExtensionIn()), actor=g.actor
    ),
    "approve_extension": _decide(True),
    "reject_extension": _decide(False),
    "back_schedule": lambda item: items.replace_milestones(
        item, _steps(_form(SupervisionBackScheduleIn())), g.actor
    ),
    "milestone_done": lambda item: items.complete_milestone(
        item, _form(SupervisionMilestoneForm())["milestone_id"], g.actor
    ),
    "accountability": lambda item: followup.add_accountability(
        item, _form(SupervisionAccountabilityIn()), g.actor
    ),
}


def _act(item_id: int, name: str, act: Callable[[SupervisionItem], Any]):
    """Run one action on the item and come back to its page saying what happened, or
    with the reason of a refusal (after which nothing of the action is kept, e.g. a
    report whose file was refused)."""
    require_permission(VIEW)
    item = records.item_or_404(item_id)
    try:
        act(item)
    except ValidationError as exc:
        db.session.rollback()
        text = "；".join(_flat(form_errors(exc)))
        flash(text or _("输入有误"), "danger")
    except WorkflowError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
    else:
        flash(presenters.done_message(name, item), "success")
    return redirect(url_for(".item", item_id=item_id)), 303


@bp.post("/items/<int:item_id>/transitions/<name>")
def item_move(item_id: int, name: str):
    if name not in MOVES:
        abort(404)
    return _act(item_id, name, lambda item: _move(item, name))


@bp.post("/items/<int:item_id>/actions/<name>")
def item_action(item_id: int, name: str):
    if name not in ACTIONS:
        abort(404)
    return _act(item_id, name, ACTIONS[name])


def _flat(messages: Any) -> list[str]:
    if isinstance(messages, str):
        return [messages]
    if isinstance(messages, dict):
        return [m for v in messages.values() for m in _flat(v)]
    return [m for v in messages for m in _flat(v)]


def _steps(data: dict[str, Any]) -> list[tuple[str, int]]:
    """倒排工期's rows (``steps-<i>-title``, ``steps-<i>-working_days``) as (name, days)."""
    return [(step["title"], step["working_days"]) for step in data["steps"]]
