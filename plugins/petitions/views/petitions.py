"""Pages for petition clerks and leaders: register, list, detail with the timeline and the
moves this user may make now, identity disclosure, conflict declarations (the
categories' pages are :mod:`plugins.petitions.views.categories`).

Forms are checked by the API's schemas and changed by the same services, so a page can
do nothing the API would refuse. Errors of a move (403/409 from the workflow, 422 from
its schema) come back on the detail page next to its form.
"""

from __future__ import annotations

import functools
from typing import Any

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import select

from core import clock
from core.api.messages import localize
from core.api.pagination import BadCursor
from core.attachments.views import download_url
from core.auth.models import Membership
from core.auth.permissions import permissions_of
from core.db import db
from core.exports import to_shanghai
from core.forms import as_typed, load_form, row_errors
from core.orgs.units import unit_tree
from core.plugins.settings import resolved_settings
from core.routing import require_permission
from core.workflow import WorkflowError
from plugins.petitions import attachments, confidentiality
from plugins.petitions.models import (
    CHANNELS,
    KINDS,
    NOT_ACCEPTED_REASONS,
    SATISFACTIONS,
    URGENCIES,
    Petition,
    outcomes_for,
)
from plugins.petitions.permissions import (
    APPROVE,
    HANDLE,
    REGISTER,
    VIEW,
    VIEW_IDENTITY,
)
from plugins.petitions.presenters import (
    DATA_LABELS,
    DATA_TITLES,
    DETAIL_PANELS,
    category_options,
    choices,
    deadlines,
    detail_actions_for,
    history_rows,
    title,
    unit_options,
)
from plugins.petitions.queries import categories
from plugins.petitions.queries import petitions as queries
from plugins.petitions.schemas.moves import schema_for
from plugins.petitions.schemas.petitions import (
    PetitionConflictForm,
    PetitionExportQuery,
    PetitionFilterForm,
    PetitionRegisterForm,
)
from plugins.petitions.services import crosstenant
from plugins.petitions.services import petitions as acting
from plugins.petitions.services.registration import register
from plugins.petitions.views.blueprint import bp
from plugins.petitions.workflow import PETITION_FLOW, STATES, is_linked

#: Rows of the register form shown before anyone asks for more.
BLANK_PETITIONER_ROWS = 1
BLANK_REPORTED_ROWS = 1


# -- list -------------------------------------------------------------------------------


def _list_links(args: dict[str, str], next_cursor: str | None, failed: bool) -> dict:
    """The next and first page with the same filters, and the ledger of what they find."""
    exportable = PetitionExportQuery().fields
    export_args = {k: v for k, v in args.items() if k in exportable and v != ""}
    first = url_for(".index", **{k: v for k, v in args.items() if k != "cursor"})
    ledger = functools.partial(url_for, "petitions_api.export_ledger", **export_args)
    return {
        "next_url": url_for(".index", **{**args, "cursor": next_cursor}) if next_cursor else None,
        "first_url": first if args.get("cursor") else None,
        "export_url": None if failed else ledger(),
        "csv_url": None if failed else ledger(format="csv"),
    }


@bp.get("")
def index():
    require_permission(VIEW)
    args = request.args.to_dict()
    filters, errors = load_form(PetitionFilterForm(), args)
    if errors:
        filters = PetitionFilterForm().load({})
    try:
        page = queries.petition_page(filters)
    except BadCursor:
        flash(_("翻页链接已失效，已回到第一页。"), "warning")
        filters.pop("cursor", None)
        args.pop("cursor", None)
        page = queries.petition_page(filters)
    category_names = {c.id: c.name for c in categories.category_tree(counted=False)}
    return render_template(
        "petitions/list.html",
        page=page,
        args=args,
        errors=errors,
        **_list_links(args, page.next_cursor, bool(errors)),
        state_options=choices(STATES),
        channel_options=choices(CHANNELS),
        kind_options=choices(KINDS),
        urgency_options=choices(URGENCIES),
        category_options=category_options(active_only=False),
        category_names=category_names,
        states=STATES,
        channels=CHANNELS,
        kinds=KINDS,
        urgencies=URGENCIES,
        deadlines_of=functools.partial(
            deadlines, window=resolved_settings(g.tenant, "petitions")["warning_days"]
        ),
    )


# -- register ---------------------------------------------------------------------------


@bp.route("/new", methods=["GET", "POST"])
def new():
    require_permission(REGISTER)
    # Most petitions are registered the day they arrive: 收件日期 starts at today.
    form: dict[str, Any] = {
        "received_on": clock.today().isoformat(),
        "channel": "letter",
        "kind": "request",
        "urgency": "normal",
    }
    errors: dict[str, Any] = {}
    petitioner_rows: list[dict[str, Any]] = [{}] * BLANK_PETITIONER_ROWS
    reported_rows: list[dict[str, Any]] = [{}] * BLANK_REPORTED_ROWS
    if request.method == "POST":
        data, errors = load_form(PetitionRegisterForm())
        if not errors:
            done = _register(dict(data))
            if not isinstance(done, dict):
                return done
            errors, data = done, as_typed(PetitionRegisterForm())
        form = data
        petitioner_rows = data.get("petitioners") or [{}]
        reported_rows = data.get("reported_persons") or [{}]
    petitioner_list_errors, petitioner_errors = row_errors(errors, "petitioners")
    reported_list_errors, reported_errors = row_errors(errors, "reported_persons")
    return render_template(
        "petitions/register.html",
        form=form,
        errors=errors,
        petitioner_rows=petitioner_rows,
        reported_rows=reported_rows,
        petitioner_list_errors=petitioner_list_errors,
        petitioner_errors=petitioner_errors,
        reported_list_errors=reported_list_errors,
        reported_errors=reported_errors,
        channel_options=choices(CHANNELS),
        kind_options=choices(KINDS),
        urgency_options=choices(URGENCIES),
        category_options=category_options(),
        unit_options=unit_options(),
    ), (422 if errors else 200)


def _register(data: dict[str, Any]) -> Any:
    """Register the petition and attach its files: a redirect to it, or the errors of a
    refused file (answered 422, which rolls the registration back too)."""
    petition = register(data, data.pop("petitioners"), data.pop("reported_persons"), g.actor)
    try:
        attachments.attach(petition, request.files.getlist("files"), g.actor)
    except ValidationError as exc:
        return localize(exc.messages)
    flash(_("已登记信访件 %(serial)s。", serial=petition.serial), "success")
    return redirect(url_for(".detail", petition_id=petition.id))


# -- detail -----------------------------------------------------------------------------


def handler_options(petition: Petition) -> list[tuple[int, str, bool]]:
    """Members who may handle petitions. Recused people stay listed: the guard refuses
    them with its reason, which tells the clerk more than a missing name would."""
    options = []
    memberships = db.session.scalars(select(Membership).where(Membership.is_active))
    for m in memberships:
        if HANDLE in permissions_of(m, g.tenant):
            options.append((m.user_id, m.user.display_name, False))
    return sorted(options, key=lambda o: o[1])


def _user_names(ids: set[int | None]) -> dict[int, str]:
    from core.auth.models import User

    wanted = sorted(i for i in ids if i)
    if not wanted:
        return {}
    return dict(
        db.session.execute(select(User.id, User.display_name).where(User.id.in_(wanted))).all()
    )


def _history_with_names(petition: Petition, conflicts: list) -> tuple[list, dict]:
    """The history rows with their Shanghai times, and the names of every user the page
    mentions (handler, approver, conflicts, handlers named in the history)."""
    history = history_rows(petition)
    for row in history:
        row["at_text"] = to_shanghai(row["at"]).strftime("%Y-%m-%d %H:%M")
    named = {
        h["data"].get("handler_user_id")
        for h in history
        if isinstance(h["data"].get("handler_user_id"), int)
    }
    ids = {petition.handler_user_id, petition.approved_by} | {c.user_id for c in conflicts}
    return history, _user_names(ids | named)


def _move_options(petition: Petition, offered: list) -> dict[str, Any]:
    """The choices of the moves on offer (only those: each list costs queries)."""
    names = {t.name for t in offered}
    assigning = "assign_handler" in names
    return {
        "handler_options": handler_options(petition) if assigning else [],
        "unit_options": [(e.id, "\u3000" * e.depth + e.name, False) for e in unit_tree()]
        if assigning
        else [],
        "forward_options": [(t.id, t.name, False) for t in crosstenant.forward_targets(g.tenant)]
        if "forward" in names
        else [],
        "assign_options": [(t.id, t.name, False) for t in crosstenant.assign_targets(g.tenant)]
        if "assign" in names
        else [],
        "reason_options": choices(NOT_ACCEPTED_REASONS),
        "outcome_options": choices(outcomes_for(petition.kind)),
        "satisfaction_options": choices(SATISFACTIONS),
    }


def _side_panels(petition: Petition, actor) -> dict[str, Any]:
    """Identity, files, extra actions and conflicts: what sits beside the moves."""
    return {
        "petitioners": confidentiality.petitioner_rows(petition),
        "can_reveal": confidentiality.may_view_identity()
        and confidentiality.has_identity(petition),
        "is_reporter": confidentiality.is_reporter(petition),
        "may_send_identity": confidentiality.may_view_identity(),
        "detail_actions": detail_actions_for(petition, actor, "actions"),
        "detail_panels": list(DETAIL_PANELS),
        "document_actions": detail_actions_for(petition, actor, "documents"),
        "files": attachments.files_of(petition),
        "files_visible": attachments.files_visible(petition, actor),
        "may_upload": attachments.may_upload(actor),
        "download_url": download_url,
        "may_declare": queries.may_declare_conflict(actor),
        "may_declare_for_others": actor.can(APPROVE),
        "member_options": handler_options(petition) if actor.can(APPROVE) else [],
    }


def _detail_page(
    petition: Petition,
    *,
    failed: str | None = None,
    form: dict[str, Any] | None = None,
    errors: dict[str, Any] | None = None,
    status: int = 200,
):
    actor = g.actor
    offered = queries.offered_transitions(petition, actor)
    conflicts = queries.conflicts_of(petition)
    history, names = _history_with_names(petition, conflicts)
    return render_template(
        "petitions/detail.html",
        petition=petition,
        category=categories.path_title(categories.find_category(petition.category_id)),
        deadlines=deadlines(petition),
        history=history,
        conflicts=conflicts,
        names=names,
        offered=offered,
        failed=failed,
        form=form or {},
        errors=errors or {},
        state_title=lambda s: title(STATES, s),
        data_labels=DATA_LABELS,
        data_titles=DATA_TITLES,
        channels=CHANNELS,
        kinds=KINDS,
        urgencies=URGENCIES,
        **_move_options(petition, offered),
        **_side_panels(petition, actor),
    ), status


@bp.get("/<int:petition_id>")
def detail(petition_id: int):
    require_permission(VIEW)
    return _detail_page(queries.petition_or_404(petition_id))


@bp.post("/<int:petition_id>/transitions/<name>")
def transition(petition_id: int, name: str):
    require_permission(VIEW)
    petition = queries.petition_or_404(petition_id)
    try:
        if is_linked(PETITION_FLOW.transition(name)):
            abort(404)
    except WorkflowError:
        abort(404)
    schema = schema_for(name)(unknown="exclude")
    data, errors = load_form(schema)
    if errors:
        return _detail_page(petition, failed=name, form=data, errors=errors, status=422)
    try:
        acting.fire(petition, name, g.actor, data)
    except ValidationError as exc:  # e.g. a receiving tenant this one may not send to
        db.session.rollback()
        return _detail_page(
            petition, failed=name, form=as_typed(schema), errors=exc.messages, status=422
        )
    except WorkflowError as exc:
        return _detail_page(
            petition,
            failed=name,
            form=as_typed(schema),
            errors={"_": [exc.message]},
            status=exc.status,
        )
    flash(_("已执行“%(action)s”。", action=_(PETITION_FLOW.transition(name).title)), "success")
    return redirect(url_for(".detail", petition_id=petition.id))


@bp.post("/<int:petition_id>/identity")
def reveal_identity(petition_id: int):
    """An htmx fragment with the full identities; every call is audited."""
    require_permission(VIEW_IDENTITY)
    petition = queries.petition_or_404(petition_id)
    people = confidentiality.reveal(petition, "page")
    return render_template("petitions/_petitioners.html", petitioners=people, revealed=True)


@bp.post("/<int:petition_id>/attachments")
def upload_attachments(petition_id: int):
    require_permission(VIEW)
    petition = queries.petition_or_404(petition_id)
    if not attachments.may_upload(g.actor):
        abort(403)
    uploads = request.files.getlist("files")
    try:
        if not any((u.filename or "").strip() for u in uploads):
            raise ValidationError({"files": [_("请选择要上传的文件。")]})
        saved = attachments.attach(petition, uploads, g.actor)
    except ValidationError as exc:
        return _detail_page(
            petition, failed="attachments", errors=localize(exc.messages), status=422
        )
    flash(_("已上传 %(n)s 个附件。", n=len(saved)), "success")
    return redirect(url_for(".detail", petition_id=petition.id))


@bp.post("/<int:petition_id>/conflicts")
def declare_conflict(petition_id: int):
    require_permission(VIEW)
    petition = queries.petition_or_404(petition_id)
    if not queries.may_declare_conflict(g.actor):
        abort(403)
    data, errors = load_form(PetitionConflictForm())
    if errors:
        return _detail_page(petition, failed="conflict", form=data, errors=errors, status=422)
    try:
        acting.declare_conflict(petition, g.actor, data.get("user_id"), data["reason"])
    except WorkflowError as exc:
        return _detail_page(
            petition, failed="conflict", form=data, errors={"_": [exc.message]}, status=exc.status
        )
    flash(_("已登记回避声明。"), "success")
    return redirect(url_for(".detail", petition_id=petition.id))
