"""What a plugin can contribute. Core calls these; plugins implement the ones they need.

Hooks called for one tenant (navigation, dashboard, to-do, search, enable/disable) reach
only the plugins that tenant enables (see :func:`core.plugins.manager.hook_for`). Hooks
that shape the application (metadata, blueprints, permissions, jobs) are called once at
start-up for every installed plugin.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from flask import Blueprint
    from marshmallow import Schema

    from core.auth.users import Actor
    from core.plugins.types import (
        DashboardWidget,
        DocumentTemplateDef,
        NavItem,
        PeriodicJob,
        PermissionDef,
        PluginMeta,
        RoleDef,
        SearchHit,
        TodoItem,
    )
    from core.tenancy.models import Tenant

PROJECT = "zugong"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec(firstresult=True)
def zugong_plugin_meta() -> PluginMeta:
    """Name, titles, version and the plugins this one depends on."""


@hookspec
def zugong_blueprints() -> list[Blueprint]:
    """Blueprints to register at start-up; their routes answer 404 where disabled."""


@hookspec
def zugong_permissions() -> list[PermissionDef]:
    """Permissions this plugin declares; they grant nothing where it is disabled."""


@hookspec
def zugong_default_roles() -> list[RoleDef]:
    """Roles provisioned into a tenant when it enables this plugin."""


@hookspec(firstresult=True)
def zugong_settings_schema() -> Schema:
    """A marshmallow schema for this plugin's tenant settings, with defaults."""


@hookspec
def zugong_periodic_jobs() -> list[PeriodicJob]:
    """Scheduled jobs; the scheduler runs them only for tenants that enable the plugin."""


@hookspec
def zugong_nav_items(tenant: Tenant, actor: Actor) -> list[NavItem]:
    """Navigation entries for this tenant and user."""


@hookspec
def zugong_dashboard_widgets(tenant: Tenant, actor: Actor) -> list[DashboardWidget]:
    """Dashboard widgets for this tenant and user."""


@hookspec
def zugong_todo_items(tenant: Tenant, actor: Actor) -> list[TodoItem]:
    """What waits on this user in this tenant, with due dates."""


@hookspec
def zugong_search(tenant: Tenant, actor: Actor, query: str, limit: int) -> list[SearchHit]:
    """Records matching ``query`` that this user may see."""


@hookspec
def zugong_document_templates() -> list[DocumentTemplateDef]:
    """Formal documents this plugin prints (.docx), each from a default template a tenant
    may replace (see :mod:`core.documents`); listed and usable only where it is enabled."""


@hookspec
def zugong_tenant_enabled(tenant: Tenant, settings: dict[str, Any]) -> None:
    """The plugin was just enabled for ``tenant``: provision its defaults."""


@hookspec
def zugong_tenant_disabled(tenant: Tenant) -> None:
    """The plugin was just disabled for ``tenant``. Never delete data here."""


@hookspec
def zugong_audit_actions() -> dict[str, str]:
    """Readable titles (Chinese msgids) for the audit actions this plugin records.
    Workflow transitions need none: they are titled by their declaration."""


@hookspec
def zugong_demo_data(tenant: Tenant) -> None:
    """Create demo records for ``tenant`` (embedded mode, first start)."""
