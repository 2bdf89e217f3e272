"""The tenant's home: dashboard widgets and the to-do list from every enabled plugin."""

from __future__ import annotations

from flask import Blueprint, g, redirect, render_template, session, url_for

from core.plugins.manager import enabled_plugins, hook_for, host
from core.plugins.types import TodoItem
from core.routing import Unauthenticated, session_user, tenant_blueprint

home = Blueprint("home", __name__)
bp = tenant_blueprint("web", __name__, kind="pages")

_LIGHT_ORDER = {"red": 0, "yellow": 1, "green": 2}


@home.get("/")
def index():
    if session_user() is None:
        raise Unauthenticated()
    tenants = session.get("tenants", [])
    if len(tenants) == 1:
        return redirect(url_for("web.dashboard", tenant=tenants[0]["slug"]))
    return render_template("choose_tenant.html", tenants=tenants)


@bp.get("/")
def dashboard():
    hooks = hook_for(g.tenant)
    widgets = [
        w for group in hooks.zugong_dashboard_widgets(tenant=g.tenant, actor=g.actor) for w in group
    ]
    plugins = [host().metas[name] for name in enabled_plugins(g.tenant)]
    return render_template(
        "dashboard.html",
        widgets=sorted(widgets, key=lambda w: w.order),
        todo=todo_items()[:8],
        plugins=plugins,
    )


@bp.get("/todo")
def todo():
    return render_template("todo.html", items=todo_items())


def todo_items() -> list[TodoItem]:
    """What waits on the current user here, most urgent first."""
    groups = hook_for(g.tenant).zugong_todo_items(tenant=g.tenant, actor=g.actor)
    items = [item for group in groups for item in group]
    return sorted(items, key=lambda i: (_LIGHT_ORDER[i.light], i.due is None, i.due))
