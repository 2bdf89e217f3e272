"""The admin pages of plugins and settings (``/t/<tenant>/admin/plugins``, ``…/settings``):
enabling a plugin (and granting its roles in the same step) and this tenant's own
settings. Their routes join :data:`core.web.admin.bp`; the settings form is also the
subtree page's for a descendant (:func:`save_settings_form`).
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from core.forms import load_form
from core.permissions import MANAGE_PLUGINS, MANAGE_SETTINGS, MANAGE_USERS
from core.plugins import enablement
from core.plugins.manager import CORE, PluginError, enabled_plugins, host
from core.plugins.settings import settings_schema
from core.plugins.settings_view import change_settings, settings_plugins, settings_view
from core.routing import require_permission
from core.subtree import service as subtree
from core.tenancy.models import Tenant
from core.web.admin import bp, form_errors
from core.web.admin_forms import setting_from_form

# -- plugins ----------------------------------------------------------------------------


def _plugins_page(error: str | None = None, status: int = 200):
    enabled = set(enabled_plugins(g.tenant))
    plugins = [(host().metas[name], name in enabled) for name in host().names]
    granting = request.args.get("grant")
    members, roles = ([], [])
    if granting in enabled and g.actor.can(MANAGE_USERS):
        members, roles = subtree.members_and_roles(g.tenant, granting)
    return render_template(
        "admin/plugins.html",
        plugins=plugins,
        error=error,
        granting=granting if roles else None,
        members=members,
        roles=roles,
    ), status


@bp.get("/plugins")
def plugins():
    require_permission(MANAGE_PLUGINS)
    return _plugins_page()


@bp.post("/plugins/<name>/<any(enable, disable):action>")
def toggle_plugin(name: str, action: str):
    require_permission(MANAGE_PLUGINS)
    if name not in host().metas:
        abort(404)
    try:
        (enablement.enable if action == "enable" else enablement.disable)(g.tenant, name)
    except PluginError as exc:
        return _plugins_page(str(exc), 409)
    title = host().metas[name].localized_title()
    if action == "disable":
        flash(_("已停用 %(title)s，数据已保留。", title=title), "success")
        return redirect(url_for("admin.plugins"))
    # Enabled, nobody holds its roles yet: offer them in the same step (issue 13).
    flash(_("已启用 %(title)s，请为需要使用的人员授予该模块的角色。", title=title), "success")
    return redirect(url_for("admin.plugins", grant=name, _anchor="grant"))


@bp.post("/plugins/<name>/roles")
def grant_plugin_roles(name: str):
    """The role grid of a newly enabled plugin: the ticked roles added to the users."""
    require_permission(MANAGE_USERS)
    if name not in enabled_plugins(g.tenant):
        abort(404)
    data, errors = load_form(subtree.GrantForm())
    try:
        changed = subtree.add_roles(
            g.tenant, name, {} if errors else subtree.chosen_grants(data["grant"])
        )
    except ValueError as exc:
        return _plugins_page(str(exc), 422)
    flash(_("已为 %(n)s 名用户授予角色。", n=changed), "success")
    return redirect(url_for("admin.plugins"))


# -- settings ---------------------------------------------------------------------------


def _settings_page(
    errors: dict[str, dict] | None = None, raw: dict[str, dict] | None = None, status: int = 200
):
    views = [settings_view(g.tenant, name) for name in settings_plugins(g.tenant)]
    titles = {CORE: _("基础设置"), **{n: m.localized_title() for n, m in host().metas.items()}}
    return render_template(
        "admin/settings.html",
        views=views,
        titles=titles,
        errors=errors or {},
        raw=raw or {},
        save_url=lambda plugin: url_for("admin.save_settings", plugin=plugin),
    ), status


@bp.get("/settings")
def settings():
    require_permission(MANAGE_SETTINGS)
    return _settings_page()


@bp.post("/settings/<plugin>")
def save_settings(plugin: str):
    """Blank inputs return a setting to the inherited value; the rest are this tenant's."""
    require_permission(MANAGE_SETTINGS)
    if plugin not in settings_plugins(g.tenant):
        abort(404)
    errors, raw = save_settings_form(g.tenant, plugin, request.form)
    if errors:
        return _settings_page({plugin: errors}, {plugin: raw}, 422)
    flash(_("设置已保存。"), "success")
    return redirect(url_for("admin.settings", _anchor=f"settings-{plugin}"))


def save_settings_form(
    tenant: Tenant, plugin: str, form: Any
) -> tuple[dict[str, Any], dict[str, str]]:
    """Store ``tenant``'s own settings of ``plugin`` from the posted settings form (this
    page's, and the subtree page's for a descendant): ``({}, raw)``, or the errors and
    the input as typed, with nothing stored."""
    names = settings_view(tenant, plugin)["fields"]
    raw = {k: v.strip() for k, v in form.items() if k != "csrf_token"}
    schema_fields = settings_schema(plugin).fields
    try:
        typed = {f.name: setting_from_form(schema_fields.get(f.name), f, raw) for f in names}
        change_settings(tenant, plugin, typed)
    except ValidationError as exc:
        return form_errors(exc), raw
    return {}, raw
