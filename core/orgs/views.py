"""Pages for org units and members.

Forms are checked by the same schemas as the API (``core.forms.load_form``) and the same
services make the change, so a page can do nothing the API would refuse. ID numbers are
always shown masked; the "show" button posts to :func:`reveal_identity`, which audits.
"""

from __future__ import annotations

import base64
import binascii
import io
from collections.abc import Callable
from typing import Any

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from core.api.messages import localize
from core.api.pagination import BadCursor
from core.forms import as_typed, load_form
from core.orgs import listing, spreadsheets
from core.orgs import members as org_members
from core.orgs import units as org_units
from core.orgs.fields import IDENTITY_PERMISSION
from core.orgs.models import GENDERS, MEMBER_STATUSES, UNIT_KINDS, Member, OrgUnit
from core.orgs.schemas import (
    IMPORT_HEADERS,
    UNIT_IMPORT_HEADERS,
    ImportForm,
    MemberExportQuery,
    MemberFilterForm,
    MemberForm,
    OrgUnitForm,
)
from core.permissions import EDIT_MEMBERS as EDIT
from core.permissions import MANAGE_ORG
from core.permissions import VIEW_MEMBERS as VIEW
from core.routing import require_permission, tenant_blueprint

bp = tenant_blueprint("orgs", __name__, kind="pages", prefix="/orgs")

#: Files up to this size ride along in the report page, so "import the valid rows only"
#: needs no second upload (form fields are capped at 500 kB by Flask).
CARRY_MAX_BYTES = 300 * 1024


def _choices(mapping: dict[str, str]) -> list[tuple[str, str, bool]]:
    return [(key, _(title), False) for key, title in mapping.items()]


def _unit_options(entries: list[org_units.TreeEntry], *, for_member: bool) -> list[tuple]:
    """The tree as select options, indented; sections cannot take members."""
    return [
        (e.id, "\u3000" * e.depth + e.name, for_member and e.kind == "section") for e in entries
    ]


def _errors_of(exc: ValidationError) -> dict[str, Any]:
    messages = exc.messages if isinstance(exc.messages, dict) else {"_": exc.messages}
    return localize(messages)


# -- org units --------------------------------------------------------------------------


@bp.get("/units")
def units():
    require_permission(VIEW)
    include_inactive = request.args.get("include_inactive") == "1"
    export_args = {"include_inactive": "true"} if include_inactive else {}
    return render_template(
        "orgs/units.html",
        tree=org_units.unit_tree(include_inactive=include_inactive),
        include_inactive=include_inactive,
        export_url=url_for("orgs_api.export_units", **export_args),
    )


def _unit_form_page(unit: OrgUnit | None, form: dict[str, Any], errors: dict[str, Any]):
    excluded = org_units.descendant_ids(unit.id) if unit is not None else set()
    parents = [e for e in org_units.unit_tree() if e.id not in excluded]
    status = 422 if errors else 200
    return render_template(
        "orgs/unit_form.html",
        unit=unit,
        form=form,
        errors=errors,
        kind_options=_choices(UNIT_KINDS),
        parent_options=_unit_options(parents, for_member=False),
    ), status


@bp.route("/units/new", methods=["GET", "POST"])
def new_unit():
    require_permission(MANAGE_ORG)
    form: dict[str, Any] = {"kind": "branch", "parent_id": request.args.get("parent_id", "")}
    errors: dict[str, Any] = {}
    if request.method == "POST":
        form = as_typed(OrgUnitForm())
        data, errors = load_form(OrgUnitForm())
        if not errors:
            try:
                unit = org_units.create_unit(data)
            except ValidationError as exc:
                errors = _errors_of(exc)
            else:
                flash(_("已新建组织“%(name)s”。", name=unit.name), "success")
                return redirect(url_for(".units"))
    return _unit_form_page(None, form, errors)


def _unit_values(unit: OrgUnit) -> dict[str, Any]:
    return {
        "name": unit.name,
        "kind": unit.kind,
        "code": unit.code or "",
        "parent_id": str(unit.parent_id or ""),
        "sort_order": str(unit.sort_order or 0),
        "notes": unit.notes or "",
    }


@bp.route("/units/<int:unit_id>/edit", methods=["GET", "POST"])
def edit_unit(unit_id: int):
    require_permission(MANAGE_ORG)
    unit = org_units.unit_or_404(unit_id)
    form, errors = _unit_values(unit), {}
    if request.method == "POST":
        form = as_typed(OrgUnitForm())
        data, errors = load_form(OrgUnitForm())
        if not errors:
            # The form shows every field: an emptied one is cleared.
            changes = {name: data.get(name) for name in org_units.UNIT_FIELDS}
            try:
                org_units.update_unit(unit, changes)
            except ValidationError as exc:
                errors = _errors_of(exc)
            else:
                flash(_("已保存“%(name)s”。", name=unit.name), "success")
                return redirect(url_for(".units"))
    return _unit_form_page(unit, form, errors)


@bp.post("/units/<int:unit_id>/deactivate")
def deactivate_unit(unit_id: int):
    require_permission(MANAGE_ORG)
    unit = org_units.unit_or_404(unit_id)
    try:
        org_units.deactivate_unit(unit)
    except org_units.OrgConflict as exc:
        flash(exc.message, "error")
    else:
        flash(_("已撤销“%(name)s”。", name=unit.name), "success")
    return redirect(url_for(".units"))


# -- members ----------------------------------------------------------------------------


@bp.get("/members")
def members():
    require_permission(VIEW)
    args = request.args.to_dict()
    filters, errors = load_form(MemberFilterForm(), args)
    if errors:
        filters = MemberFilterForm().load({})
    try:
        page = listing.member_page(filters)
    except BadCursor:
        flash(_("翻页链接已失效，已回到第一页。"), "warning")
        filters.pop("cursor", None)
        args.pop("cursor", None)
        page = listing.member_page(filters)
    next_url = None
    if page.next_cursor:
        next_url = url_for(".members", **{**args, "cursor": page.next_cursor})
    first_url = url_for(".members", **{k: v for k, v in args.items() if k != "cursor"})
    exportable = MemberExportQuery().fields
    export_args = {k: v for k, v in args.items() if k in exportable and v != ""}
    return render_template(
        "orgs/members.html",
        page=page,
        args=args,
        errors=errors,
        next_url=next_url,
        first_url=first_url if args.get("cursor") else None,
        export_url=url_for("orgs_api.export_members", **export_args) if not errors else None,
        branch_options=_unit_options(org_units.unit_tree(), for_member=False),
        status_options=_choices(MEMBER_STATUSES),
        genders=GENDERS,
        statuses=MEMBER_STATUSES,
    )


@bp.get("/members/<int:member_id>")
def member(member_id: int):
    require_permission(VIEW)
    return render_template(
        "orgs/member_detail.html",
        member=org_members.member_or_404(member_id),
        genders=GENDERS,
        statuses=MEMBER_STATUSES,
        can_reveal=g.actor.can(IDENTITY_PERMISSION),
    )


@bp.post("/members/<int:member_id>/identity")
def reveal_identity(member_id: int):
    """An htmx fragment with the full ID number; every call is audited."""
    require_permission(IDENTITY_PERMISSION)
    found = org_members.member_or_404(member_id)
    number = org_members.reveal_identity(found, "page")
    return render_template("orgs/_identity.html", member=found, number=number)


def _member_form_page(found: Member | None, form: dict[str, Any], errors: dict[str, Any]):
    return render_template(
        "orgs/member_form.html",
        member=found,
        form=form,
        errors=errors,
        branch_options=_unit_options(org_units.unit_tree(), for_member=True),
        gender_options=_choices(GENDERS),
        status_options=_choices(MEMBER_STATUSES),
    ), (422 if errors else 200)


@bp.route("/members/new", methods=["GET", "POST"])
def new_member():
    require_permission(EDIT)
    form: dict[str, Any] = {"status": "formal", "branch_id": request.args.get("branch_id", "")}
    errors: dict[str, Any] = {}
    if request.method == "POST":
        form = as_typed(MemberForm())
        data, errors = load_form(MemberForm())
        if not errors:
            try:
                created = org_members.create_member(data)
            except ValidationError as exc:
                errors = _errors_of(exc)
            else:
                flash(_("已登记党员 %(name)s。", name=created.name), "success")
                return redirect(url_for(".member", member_id=created.id))
    return _member_form_page(None, form, errors)


def _member_values(found: Member) -> dict[str, Any]:
    """The edit form, filled in; the ID number stays empty (shown masked as a hint)."""
    values: dict[str, Any] = {
        "name": found.name,
        "gender": found.gender,
        "birth_date": found.birth_date.isoformat() if found.birth_date else "",
        "phone": found.phone or "",
        "branch_id": str(found.branch_id or ""),
        "joined_on": found.joined_on.isoformat() if found.joined_on else "",
        "status": found.status,
        "notes": found.notes or "",
    }
    for flag in ("is_retired", "is_unemployed", "is_floating"):
        if getattr(found, flag):
            values[flag] = "1"
    return values


@bp.route("/members/<int:member_id>/edit", methods=["GET", "POST"])
def edit_member(member_id: int):
    require_permission(EDIT)
    found = org_members.member_or_404(member_id)
    form, errors = _member_values(found), {}
    if request.method == "POST":
        form = as_typed(MemberForm())
        data, errors = load_form(MemberForm())
        if not errors:
            changes = {name: data.get(name) for name in org_members.MEMBER_FIELDS}
            if "id_number" not in data:
                changes.pop("id_number")  # left empty: unchanged
            try:
                org_members.update_member(found, changes)
            except ValidationError as exc:
                errors = _errors_of(exc)
            else:
                flash(_("已保存党员 %(name)s 的信息。", name=found.name), "success")
                return redirect(url_for(".member", member_id=found.id))
    return _member_form_page(found, form, errors)


@bp.post("/members/<int:member_id>/deactivate")
def deactivate_member(member_id: int):
    require_permission(EDIT)
    found = org_members.member_or_404(member_id)
    org_members.deactivate_member(found)
    flash(_("党员 %(name)s 已停用（记录保留）。", name=found.name), "success")
    return redirect(url_for(".member", member_id=found.id))


# -- import -----------------------------------------------------------------------------


def _uploaded(carried: str) -> tuple[bytes | None, str | None]:
    """The file's bytes from the upload, or from the report page's hidden copy."""
    upload = request.files.get("file")
    if upload is not None and upload.filename:
        return upload.read(), None
    if carried:
        try:
            return base64.b64decode(carried, validate=True), None
        except (binascii.Error, ValueError):
            return None, _("上传的数据已损坏，请重新选择文件。")
    return None, _("请选择要导入的 .xlsx 文件。")


def _import_page(
    template: str,
    headers: dict[str, str],
    importer: Callable[..., spreadsheets.ImportOutcome],
    *,
    done: Callable[[int], str],
    done_endpoint: str,
):
    """Upload → report → "import the valid rows only", for any of the registry's files.

    A fully valid file is written and the user lands on ``done_endpoint``; otherwise the
    report stays on screen, carrying the file (if small) for the valid-rows-only button.
    """
    context: dict[str, Any] = {"headers": headers, "outcome": None, "carry": None}
    if request.method == "GET":
        return render_template(template, **context, errors={})
    form, errors = load_form(ImportForm())
    if errors:
        return render_template(template, **context, errors=errors), 422
    data, problem = _uploaded(form["file_data"])
    if data is None:
        return render_template(template, **context, errors={"file": [problem]}), 422
    outcome = importer(io.BytesIO(data), valid_only=form["valid_only"])
    context["outcome"] = outcome
    context["row_errors"] = [
        (row.row_number, outcome.report.title_of(key), message)
        for row in outcome.report.rows
        for key, messages in localize(row.errors).items()
        for message in messages
    ]
    if outcome.rejected:
        report = outcome.report
        if report.valid_rows and not report.file_errors and len(data) <= CARRY_MAX_BYTES:
            context["carry"] = base64.b64encode(data).decode()
        return render_template(template, **context, errors={}), 422
    if outcome.report.ok:
        flash(done(len(outcome.imported)), "success")
        return redirect(url_for(done_endpoint))
    # Valid rows only: the report stays on screen so the skipped rows can be fixed.
    return render_template(template, **context, errors={})


@bp.route("/members/import", methods=["GET", "POST"])
def import_members():
    require_permission(EDIT)
    return _import_page(
        "orgs/import.html",
        IMPORT_HEADERS,
        spreadsheets.import_members,
        done=lambda count: _("已导入 %(count)d 名党员。", count=count),
        done_endpoint=".members",
    )


@bp.route("/units/import", methods=["GET", "POST"])
def import_units():
    require_permission(MANAGE_ORG)
    return _import_page(
        "orgs/unit_import.html",
        UNIT_IMPORT_HEADERS,
        spreadsheets.import_units,
        done=lambda count: _("已导入 %(count)d 个组织。", count=count),
        done_endpoint=".units",
    )
