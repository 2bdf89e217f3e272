"""The subtree pages under ``/t/<tenant>/subtree/``: the tree of descendants, and for
one descendant its plugins (enable, disable, then grant the plugin's roles) and its own
layer of settings. Permission ``core.subtree.manage``; a tenant outside the subtree, or
the tenant itself, is a 404."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from core.forms import load_form
from core.plugins import enablement
from core.plugins.manager import CORE, PluginError, host
from core.plugins.settings_view import settings_plugins, settings_view
from core.routing import require_permission, tenant_blueprint
from core.subtree import service
from core.tenancy.models import Tenant
from core.web.admin_plugins import save_settings_form

bp = tenant_blueprint("subtree", __name__, kind="pages", prefix="/subtree")


@bp.get("/")
def index():
    require_permission(service.PERMISSION)
    return render_template("subtree/index.html", tree=service.tree_of(g.tenant))


def _page(target: Tenant, errors: dict | None = None, raw: dict | None = None, status=200):
    granting = request.args.get("grant")
    members, roles = ([], [])
    if granting in host().metas:
        members, roles = service.members_and_roles(target, granting)
    titles = {CORE: _("基础设置"), **{n: m.localized_title() for n, m in host().metas.items()}}
    return render_template(
        "subtree/tenant.html",
        target=target,
        plugins=service.plugins_of(target),
        views=[settings_view(target, name) for name in settings_plugins(target)],
        titles=titles,
        errors=errors or {},
        raw=raw or {},
        save_url=lambda plugin: url_for(".save_settings", node_id=target.id, plugin=plugin),
        granting=granting if members else None,
        members=members,
        roles=roles,
    ), status


@bp.get("/<int:node_id>")
def tenant_page(node_id: int):
    require_permission(service.PERMISSION)
    return _page(service.descendant(g.tenant, node_id))


@bp.post("/<int:node_id>/plugins/<name>/<any(enable, disable):action>")
def toggle_plugin(node_id: int, name: str, action: str):
    require_permission(service.PERMISSION)
    target = service.descendant(g.tenant, node_id)
    if name not in host().metas:
        abort(404)
    try:
        (enablement.enable if action == "enable" else enablement.disable)(target, name)
    except PluginError as exc:
        flash(str(exc), "danger")
        return _page(target, status=409)
    title = host().metas[name].localized_title()
    if action == "disable":
        flash(
            _("已为%(unit)s停用 %(title)s，数据已保留。", unit=target.name, title=title), "success"
        )
        return redirect(url_for(".tenant_page", node_id=node_id))
    flash(
        _(
            "已为%(unit)s启用 %(title)s，可为其用户授予该模块的角色。",
            unit=target.name,
            title=title,
        ),
        "success",
    )
    return redirect(url_for(".tenant_page", node_id=node_id, grant=name, _anchor="grant"))


@bp.post("/<int:node_id>/plugins/<name>/roles")
def grant_roles(node_id: int, name: str):
    require_permission(service.PERMISSION)
    target = service.descendant(g.tenant, node_id)
    if name not in host().metas:
        abort(404)
    data, errors = load_form(service.GrantForm())
    grants = {} if errors else service.chosen_grants(data["grant"])
    try:
        changed = service.add_roles(target, name, grants)
    except ValueError as exc:
        flash(str(exc), "danger")
        return _page(target, status=422)
    flash(_("已为 %(n)s 名用户授予角色。", n=changed), "success")
    return redirect(url_for(".tenant_page", node_id=node_id))


@bp.post("/<int:node_id>/settings/<plugin>")
def save_settings(node_id: int, plugin: str):
    require_permission(service.PERMISSION)
    target = service.descendant(g.tenant, node_id)
    if plugin not in settings_plugins(target):
        abort(404)
    errors, raw = save_settings_form(target, plugin, request.form)
    if errors:
        return _page(target, {plugin: errors}, {plugin: raw}, 422)
    flash(_("已保存%(unit)s的设置。", unit=target.name), "success")
    return redirect(url_for(".tenant_page", node_id=node_id, _anchor=f"settings-{plugin}"))
