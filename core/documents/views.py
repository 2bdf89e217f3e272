"""Pages: the tenant's document templates (``/t/<tenant>/admin/documents``), a
member's registration form (``/t/<tenant>/orgs/members/<id>/form.docx``) and every
plugin's standard record forms (``/t/<tenant>/forms/<name>/<id>.docx``).

One blueprint for both, so it has no URL prefix of its own; the template pages sit in the
admin section (its tab bar, permission core.manage_settings) and the form beside the
member's page in the registry (permission core.view_members).
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from core.api.messages import localize
from core.api.problem import plain
from core.audit.service import record
from core.documents import member_form, services
from core.documents.schemas import TemplateFileForm
from core.exports import download_response
from core.forms import load_form
from core.orgs.fields import IDENTITY_PERMISSION
from core.orgs.members import member_or_404, reveal_identity
from core.permissions import MANAGE_SETTINGS, VIEW_MEMBERS
from core.plugins.manager import CORE, host
from core.routing import require_permission, tenant_blueprint
from core.web import admin

MANAGE = MANAGE_SETTINGS

bp = tenant_blueprint("documents", __name__, kind="pages")
bp.template_folder = "templates"
bp.record_once(lambda state: services.init_app(state.app))


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return {"local_time": admin.local_time, "admin_tabs": admin.tabs()}


def _declared_or_404(name: str) -> services.Declared:
    try:
        return services.definition(name)
    except KeyError:
        abort(404)


def _plugin_titles() -> dict[str, str]:
    return {CORE: _("平台核心"), **{n: m.localized_title() for n, m in host().metas.items()}}


def _index_page(errors: dict[str, list[str]] | None = None, status: int = 200):
    return render_template(
        "documents/index.html",
        templates=services.states(),
        plugin_titles=_plugin_titles(),
        max_mib=services.MAX_BYTES // (1024 * 1024),
        errors=errors or {},
    ), status


# -- the tenant's templates -------------------------------------------------------------


@bp.get("/admin/documents")
def index():
    require_permission(MANAGE)
    return _index_page()


@bp.get("/admin/documents/<name>.docx")
def download(name: str):
    """The template in use (``?version=default``: the plugin's own), to edit in Word/WPS."""
    require_permission(MANAGE)
    entry = _declared_or_404(name)
    args, errors = load_form(TemplateFileForm(), request.args.to_dict())
    if errors:
        abort(400, _("查询条件无效：%(fields)s", fields="、".join(sorted(errors))))
    data = services.template_file(name, args["version"])
    suffix = _("默认") if args["version"] == "default" else _("本单位")
    return download_response(data, f"{entry.title}（{suffix}）.docx", "docx")


@bp.post("/admin/documents/<name>")
def upload(name: str):
    require_permission(MANAGE)
    entry = _declared_or_404(name)
    try:
        services.replace(name, request.files.get(services.FIELD))
    except ValidationError as exc:
        messages = exc.messages if isinstance(exc.messages, dict) else {"_": exc.messages}
        found = localize(plain(messages))
        problems = [m for key in (services.FIELD, "_") for m in found.get(key, [])]
        return _index_page({name: problems}, 422)
    flash(_("已替换模板“%(title)s”，此后生成的文书使用新模板。", title=entry.title), "success")
    return redirect(url_for(".index", _anchor=f"template-{name}"))


@bp.post("/admin/documents/<name>/reset")
def reset(name: str):
    require_permission(MANAGE)
    entry = _declared_or_404(name)
    services.reset(name)
    flash(_("模板“%(title)s”已恢复为默认。", title=entry.title), "success")
    return redirect(url_for(".index", _anchor=f"template-{name}"))


# -- a member's registration form -------------------------------------------------------


def member_form_response(member_id: int, via: str):
    """Shared by the page and the API: the filled form, the ID number audited if shown."""
    member = member_or_404(member_id)
    full = g.actor.can(IDENTITY_PERMISSION)
    if full and member.id_number:
        reveal_identity(member, via)
    data = services.render(
        member_form.NAME, member_form.context(member, g.tenant, full_identity=full)
    )
    return download_response(data, member_form.filename(member), "docx")


@bp.get("/orgs/members/<int:member_id>/form.docx")
def member_registration(member_id: int):
    require_permission(VIEW_MEMBERS)
    return member_form_response(member_id, "document.page")


# -- standard forms printed from one record --------------------------------------------


@bp.get("/forms/<name>/<int:record_id>.docx")
def record_form(name: str, record_id: int):
    """A declared record form (``DocumentTemplateDef.record_context``) filled from the
    record, in the tenant's template; the print is audited (it carries personal data)."""
    entry = _declared_or_404(name)
    definition = entry.definition
    if definition.record_context is None:
        abort(404)
    require_permission(definition.record_permission)
    values = definition.record_context(record_id)
    data = services.render(name, values)
    record("document.printed", object_type=name, object_id=record_id, detail={"template": name})
    stem = values.get("serial") or str(record_id)
    return download_response(data, f"{entry.title}_{stem}.docx", "docx")
