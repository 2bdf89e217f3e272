"""The tenant's home: dashboard widgets and the to-do list from every enabled plugin."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, g, redirect, render_template, request, session, url_for

from core.forms import load_form
from core.permissions import MANAGE_USERS
from core.plugins.manager import enabled_plugins, hook_for, host
from core.plugins.types import TodoItem
from core.routing import Unauthenticated, session_user, tenant_blueprint
from core.search import SearchQuery
from core.search import search as run_search
from core.web.context import nav_items

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
    return render_template(
        "dashboard.html",
        widgets=sorted(widgets, key=lambda w: w.order),
        todo=todo_items()[:8],
        plugins=_enabled_for_the_viewer(),
    )


def _enabled_for_the_viewer() -> list[tuple[Any, bool]]:
    """The enabled plugins as (meta, reachable): those the user has a menu for; the
    others only for whoever assigns roles, marked, so an enabled module nobody can open
    is explained rather than shown as if it worked."""
    reachable = {item.endpoint.partition(".")[0] for item in nav_items(g.tenant, g.actor)}
    assigns = g.actor.can(MANAGE_USERS)
    plugins = [(host().metas[n], n in reachable) for n in enabled_plugins(g.tenant)]
    return [(meta, ok) for meta, ok in plugins if ok or assigns]


@bp.get("/search")
def search():
    """The shell's search box: hits grouped by plugin, only what the user may open."""
    data, errors = load_form(SearchQuery(), request.args)
    groups = [] if errors else run_search(g.tenant, g.actor, data["q"])
    return render_template(
        "search.html", groups=groups, query=request.args.get("q", ""), errors=errors
    ), (400 if errors and "q" in request.args else 200)


@bp.get("/todo")
def todo():
    return render_template("todo.html", items=todo_items())


def todo_items() -> list[TodoItem]:
    """What waits on the current user here, each record once, most urgent first: red
    before yellow before green, then by due date (none last)."""
    groups = hook_for(g.tenant).zugong_todo_items(tenant=g.tenant, actor=g.actor)
    return dedupe([item for group in groups for item in group])


def dedupe(items: list[TodoItem]) -> list[TodoItem]:
    """One entry per record (its URL): a plugin listing a record for two reasons, or
    two plugins pointing at one page, show it once, with its most urgent light."""
    ordered = sorted(items, key=_urgency)
    seen: set[str] = set()
    unique = []
    for item in ordered:
        if item.url not in seen:
            seen.add(item.url)
            unique.append(item)
    return unique


def _urgency(item: TodoItem) -> tuple:
    return (_LIGHT_ORDER.get(item.light, 3), item.due is None, item.due or date.max)
