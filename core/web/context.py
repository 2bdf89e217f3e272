"""What every page template can use: navigation, the tenant switcher, language."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, g, has_app_context, session, url_for
from flask_babel import get_locale
from flask_wtf.csrf import generate_csrf

from core import permissions
from core.audit.labels import action_title
from core.auth.users import Actor
from core.plugins.manager import hook_for, host
from core.plugins.types import NavItem
from core.tenancy.models import Tenant
from core.web.present import register_filters


def register_template_context(app: Flask) -> None:
    register_filters(app)

    @app.context_processor
    def _shell() -> dict[str, Any]:
        tenant = g.get("tenant")
        actor = g.get("actor")
        nav = []
        if tenant is not None and actor is not None and actor.user is not None:
            nav = nav_items(tenant, actor)
        return {
            "tenant": tenant,
            "actor": actor,
            "current_user": g.get("user"),
            "nav_items": nav,
            "my_tenants": session.get("tenants", []),
            "languages": current_app.config["LANGUAGES"],
            "csrf_token": generate_csrf,
            "nav_url": _nav_url,
            "get_locale": get_locale,
            "action_title": action_title,
            "plugin_title": _plugin_title,
            # Core's permission keys by their constants: actor.can(core_perm.MANAGE_ORG).
            "core_perm": permissions,
        }


def nav_items(tenant: Tenant, actor: Actor) -> list[NavItem]:
    """The navigation of this tenant for this user, in order: the enabled plugins'
    items whose permission the user holds (the plugins declare it; only core filters).
    Built once per request: the layout and a page (the dashboard) both ask for it."""
    key = (tenant, actor)
    built = g.get(_NAV) if has_app_context() else None
    if built is not None and built[0] == key:
        return list(built[1])
    items = [
        item
        for group in hook_for(tenant).zugong_nav_items(tenant=tenant, actor=actor)
        for item in group
        if item.permission is None or actor.can(item.permission)
    ]
    items.sort(key=lambda i: (i.order, str(i.title)))
    if has_app_context():
        setattr(g, _NAV, (key, items))
    return list(items)


#: ``g`` key of the request's navigation (the tenant and actor it was built for, the items).
_NAV = "_zugong_nav_items"


def _plugin_title(name: str) -> str:
    """A plugin's title in the request's language (its key if it is not installed)."""
    meta = host().metas.get(name)
    return meta.localized_title() if meta else name


def _nav_url(endpoint: str) -> str:
    return url_for(endpoint)
