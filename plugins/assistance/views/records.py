"""The register's pages: the list, the application form (建档), one record with its
documents, proofs and objections."""

from __future__ import annotations

from typing import Any

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from core.attachments.services import save_all
from core.forms import as_typed, load_form, row_errors
from core.routing import require_permission
from plugins.assistance.models import CATEGORIES, LEVELS, Grant, Loan, Pairing
from plugins.assistance.permissions import APPROVE, REGISTER, VIEW
from plugins.assistance.presenters import history_rows, may_see_income, record_out
from plugins.assistance.queries import records
from plugins.assistance.queries.reports import register_stats
from plugins.assistance.schemas.forms import RecordFilterForm, RecordForm, form_of
from plugins.assistance.schemas.records import DocumentsIn, ObjectionIn, ResolutionIn
from plugins.assistance.services import register
from plugins.assistance.views.blueprint import act, attempt, bp, form_page, loaded, options
from plugins.assistance.workflow import RECORD_FILES, RECORD_FLOW

#: Empty household rows the form offers beyond those already typed.
SPARE_ROWS = 3


@bp.get("/")
def index():
    require_permission(VIEW)
    filters, errors = load_form(RecordFilterForm(), request.args.to_dict())
    rows = records.records_list({} if errors else filters)
    return render_template(
        "assistance/index.html",
        records=rows,
        names=records.member_names([r.member_id for r in rows]),
        states=RECORD_FLOW.states,
        stats=register_stats(),
        args=request.args,
    )


def _record_form_context() -> dict[str, Any]:
    members = records.active_members()
    return {
        "member_options": [(m.id, _member_title(m)) for m in members],
        "category_options": options(CATEGORIES),
        "level_options": options(LEVELS),
        "documents": records.required_documents(),
    }


def _member_title(member: Any) -> str:
    return f"{member.name}（{member.branch.name}）" if member.branch else member.name


@bp.route("/records/new", methods=["GET", "POST"])
def new_record():
    require_permission(REGISTER)
    form: dict[str, Any] = {"applied_by_member": "1", "household": []}
    errors: dict[str, Any] = {}
    if request.method == "POST":
        data, errors = load_form(RecordForm())
        if not errors:
            record, errors = attempt(lambda: register.apply(data, g.actor))
            if "household_income_fen" in errors:  # the service names the API's field
                errors["income"] = errors.pop("household_income_fen")
            if record is not None:
                message = _("已建档 %(serial)s，进入认定流程。", serial=record.serial)
                return _done(message, url_for(".record", record_id=record.id))
        form = as_typed(RecordForm())
    rows = list(form.get("household") or [])
    by_row = row_errors(errors, "household")[1]
    household = rows + [{}] * SPARE_ROWS
    extra = {"household": household, "row_errs": by_row}
    return form_page(
        "assistance/record_form.html", lambda: {**_record_form_context(), **extra}, form, errors
    )


def _done(message: str, url: str):
    flash(message, "success")
    return redirect(url), 303


@bp.get("/records/<int:record_id>")
def record(record_id: int):
    require_permission(VIEW)
    row = records.record_or_404(record_id)
    return render_template(
        "assistance/record.html",
        record=row,
        view=record_out(row, "page"),
        full_income=may_see_income(),
        actions=_moves(row),
        history=history_rows(RECORD_FLOW, row),
        documents=records.required_documents(),
        grants=records.of_record(Grant, row.id),
        loans=records.of_record(Loan, row.id),
        pairings=records.of_record(Pairing, row.id),
        levels_allowed=g.actor.can(APPROVE),
    )


#: Moves whose guards check what the user types in: offered by state and permission, so
#: the form can ask for it (the guard then speaks if the input is missing).
NEEDS_INPUT = {"change_level", "file"}


def _moves(row: Any) -> list[Any]:
    ready = {t.name for t in RECORD_FLOW.available(row, g.actor)}
    return [
        t
        for t in RECORD_FLOW.transitions
        if row.state in t.sources
        and (t.permission is None or g.actor.can(t.permission))
        and (t.name in ready or t.name in NEEDS_INPUT)
    ]


@bp.post("/records/<int:record_id>/documents")
def record_documents(record_id: int):
    row = records.record_or_404(record_id)

    def save() -> str:
        register.update_documents(row, loaded(form_of(DocumentsIn))["documents"], g.actor)
        return _("已登记认定材料：%(docs)s", docs="、".join(row.documents) or _("无"))

    return act(save, url_for(".record", record_id=row.id))


@bp.post("/records/<int:record_id>/attachments")
def record_attachments(record_id: int):
    require_permission(REGISTER)
    row = records.record_or_404(record_id)

    def upload() -> str:
        uploads = [u for u in request.files.getlist("files") if (u.filename or "").strip()]
        if not uploads:
            raise ValidationError({"files": [_("请选择要上传的文件。")]})
        save_all(RECORD_FILES.name, row.id, uploads, g.actor.user_id)
        return _("已上传证明材料 %(n)s 份。", n=len(uploads))

    return act(upload, url_for(".record", record_id=row.id))


@bp.post("/records/<int:record_id>/objections")
def record_objection(record_id: int):
    row = records.record_or_404(record_id)

    def raise_it() -> str:
        register.raise_objection(row, loaded(form_of(ObjectionIn))["content"], g.actor)
        return _("已登记异议，异议处理前不能结束公示。")

    return act(raise_it, url_for(".record", record_id=row.id))


@bp.post("/objections/<int:objection_id>/resolution")
def resolve_objection(objection_id: int):
    objection = records.objection_or_404(objection_id)

    def resolve() -> str:
        data = loaded(form_of(ResolutionIn))
        register.resolve_objection(objection, data["resolution"], data["upheld"], g.actor)
        return _("已处理异议：异议成立。") if data["upheld"] else _("已处理异议：异议不成立。")

    return act(resolve, url_for(".record", record_id=objection.record_id))
