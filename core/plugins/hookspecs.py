"""What a plugin can contribute. Core calls these; plugins implement the ones they need.

Implementations are functions marked ``@hookimpl`` (from :mod:`core.plugins`) in the
plugin's ``plugin.py``; core reaches them only through pluggy, so an unmarked function
is not an implementation. Each spec below says:

* **Args** and **Returns**;
* **Scope**: whether a tenant scope is open (tenant-owned models can be queried), and
  whether the hook reaches every installed plugin or only those the tenant enables
  (:func:`core.plugins.manager.hook_for`);
* **Writes**: whether it may change the database (core commits, never the hook);
* **Permissions**: who checks them — the hook, or core on what it returns.

Hooks that shape the application (metadata, blueprints, permissions, roles, settings,
jobs, document templates, audit titles) are called for every installed plugin, with no
tenant scope, and must not touch the database. A plugin may also declare hooks of its
own for other plugins (its ``hookspecs`` module; see ``plugins/petitions/hookspecs.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from flask import Blueprint
    from marshmallow import Schema

    from core.auth.users import Actor
    from core.exportruns.types import ExportDef
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
    from core.rollup.types import FigureSet, Period
    from core.tenancy.models import Tenant

PROJECT = "zugong"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec(firstresult=True)
def zugong_plugin_meta() -> PluginMeta:
    """Name, titles, version and the plugins this one depends on.

    Returns: a :class:`PluginMeta` whose ``name`` is the entry-point name.
    Scope: start-up, every installed plugin, no tenant. Writes: no. Permissions: none.

    Example::

        @hookimpl
        def zugong_plugin_meta():
            return PluginMeta("petitions", "信访", "Petitions", "1.0")
    """


@hookspec
def zugong_blueprints() -> list[Blueprint]:
    """Blueprints to register at start-up: at most one page blueprint and one API
    blueprint (plus a public one with a reason), made by ``core.routing.tenant_blueprint``.

    Returns: the blueprints. Scope: start-up, every installed plugin, no tenant; their
    routes answer 404 for a tenant that does not enable the plugin.
    Writes: no. Permissions: each route checks its own (``api_route(permission=…)``,
    ``require_permission``).

    Example::

        @hookimpl
        def zugong_blueprints():
            return [views.bp, api.bp]
    """


@hookspec
def zugong_permissions() -> list[PermissionDef]:
    """The permissions this plugin declares (keys ``<plugin>.<verb>``, as constants in
    its ``permissions.py``); they grant nothing where the plugin is disabled.

    Returns: :class:`PermissionDef` items. Scope: start-up, every installed plugin, no
    tenant (the result is kept for the process). Writes: no. Permissions: n/a.

    Example::

        @hookimpl
        def zugong_permissions():
            return permissions.DEFINITIONS
    """


@hookspec
def zugong_default_roles() -> list[RoleDef]:
    """Roles provisioned into a tenant when it enables this plugin.

    Returns: :class:`RoleDef` items naming this plugin's permission keys. Scope: called
    for this plugin alone while it is being enabled; core writes the roles.
    Writes: no. Permissions: core checks the enabling user may manage plugins.

    Example::

        @hookimpl
        def zugong_default_roles():
            return [RoleDef("petitions_clerk", "信访干事", (permissions.VIEW, permissions.REGISTER))]
    """


@hookspec(firstresult=True)
def zugong_settings_schema() -> Schema:
    """This plugin's tenant settings: a marshmallow schema whose ``load_default`` values
    are the plugin defaults (resolved in layers: plugin → platform → ancestors → tenant).

    Returns: a schema instance. Scope: this plugin alone, no tenant needed.
    Writes: no. Permissions: core's settings pages and API check who may change them.

    Example::

        @hookimpl
        def zugong_settings_schema():
            return settings.PetitionSettings()
    """


@hookspec
def zugong_periodic_jobs() -> list[PeriodicJob]:
    """Scheduled jobs: a ``"tenant"`` job runs once per active tenant that enables the
    plugin, inside that tenant's scope; a ``"platform"`` job runs once, with no tenant,
    and opens an audited cross-tenant scope itself.

    Returns: :class:`PeriodicJob` items whose ``path`` names a function in ``jobs.py``.
    Scope: the scheduler asks every installed plugin, no tenant. Writes: no (the jobs
    write, in their own transaction). Permissions: none; jobs act as the system.

    Example::

        @hookimpl
        def zugong_periodic_jobs():
            return [PeriodicJob("petitions.scan", "plugins.petitions.jobs:scan", timedelta(hours=1))]
    """


@hookspec
def zugong_nav_items(tenant: Tenant, actor: Actor) -> list[NavItem]:
    """Navigation entries for this tenant and user.

    Args: the request's tenant and actor. Returns: :class:`NavItem` items, each with
    the ``permission`` it needs (``None``: every member). Scope: the request's tenant
    scope is open; only plugins the tenant enables are asked. Writes: no.
    Permissions: core shows an item only to users holding its permission — return every
    item, do not filter here.

    Example::

        @hookimpl
        def zugong_nav_items(tenant, actor):
            return [NavItem(_l("信访件"), "petitions.index", order=20, permission=VIEW)]
    """


@hookspec
def zugong_dashboard_widgets(tenant: Tenant, actor: Actor) -> list[DashboardWidget]:
    """Dashboard widgets for this tenant and user.

    Args: the request's tenant and actor. Returns: :class:`DashboardWidget` items (a
    template and its context). Scope: the request's tenant scope is open; only enabled
    plugins are asked. Writes: no (reads only). Permissions: the hook — return nothing
    the actor may not see (``actor.can(...)``).

    Example::

        @hookimpl
        def zugong_dashboard_widgets(tenant, actor):
            if not actor.can(VIEW):
                return []
            return [DashboardWidget(_l("信访"), "petitions/_widget.html", todo.widget_data())]
    """


@hookspec
def zugong_todo_items(tenant: Tenant, actor: Actor) -> list[TodoItem]:
    """What waits on this user in this tenant, from the moment it waits until it stops.

    Args: the request's tenant and actor. Returns: :class:`TodoItem` items with due
    dates and traffic lights. Scope: the request's tenant scope is open; only enabled
    plugins are asked. Writes: no. Permissions: the hook — list only what the actor may
    act on.

    Example::

        @hookimpl
        def zugong_todo_items(tenant, actor):
            return todo.items(actor)
    """


@hookspec
def zugong_search(tenant: Tenant, actor: Actor, query: str, limit: int) -> list[SearchHit]:
    """Records matching ``query`` that this user could open, for the shell's search box
    (``/t/<tenant>/search``, see :mod:`core.search`).

    Args: the request's tenant and actor, the query text (stripped, 1–100 characters),
    the most hits wanted. Returns: at most ``limit`` :class:`SearchHit` items, each with
    the plugin's own name as ``plugin`` (core groups by it), a title in the reader's
    language (serial and title, a name), the URL of the record's page and a short
    snippet (its state, its unit). Match serials, titles and names with
    ``LIKE core.search.contains(query) ESCAPE core.search.ESCAPE`` (wildcards in the
    query are literal). Scope: the request's tenant scope is open; only plugins enabled
    for the tenant are asked, and core drops hits of a plugin the user holds no
    permission of. Writes: no. Permissions: the hook applies the plugin's own
    visibility rules — never a record the user could not open, never a masked name in
    clear (search on what the user's list would show).

    Example::

        @hookimpl
        def zugong_search(tenant, actor, query, limit):
            return search.search_hits(actor, query, limit) if actor.can(VIEW) else []
    """


@hookspec
def zugong_document_templates() -> list[DocumentTemplateDef]:
    """Formal documents this plugin prints (.docx), each from a default template a tenant
    may replace (see :mod:`core.documents`); listed and usable only where it is enabled.

    Returns: :class:`DocumentTemplateDef` items named ``<plugin>.<document>``. Scope: no
    tenant needed (checked at start-up, listed per tenant). Writes: no. Permissions:
    core's document pages check who may replace templates; the plugin's routes check
    who may print.

    Example::

        @hookimpl
        def zugong_document_templates():
            return [DocumentTemplateDef("petitions.notice", _l("告知书"), DEFAULTS / "notice.docx", {...})]
    """


@hookspec
def zugong_exports() -> list[ExportDef]:
    """The list exports this plugin offers (.xlsx/.csv of what a list's filters find).

    Returns: :class:`core.exportruns.types.ExportDef` items named ``<plugin>.<export>``.
    Scope: start-up, every installed plugin, no tenant (the result is kept for the
    process); core runs an export in the asking request's tenant, or in a job of that
    tenant when it has more rows than a page. Writes: no. Permissions: core checks the
    export's ``permission`` when it is asked for and again when its file is downloaded.

    Example::

        @hookimpl
        def zugong_exports():
            return [ExportDef("petitions.ledger", VIEW, _l("信访台账"), PetitionExportQuery, ...)]
    """


@hookspec
def zugong_tenant_enabled(tenant: Tenant, settings: dict[str, Any]) -> None:
    """The plugin was just enabled for ``tenant``: provision its defaults.

    Args: the tenant and its resolved settings for the plugin. Returns: nothing.
    Scope: this plugin alone, inside ``tenant``'s scope, after core provisioned the
    default roles. Writes: yes, in the enabling request's transaction (core commits;
    make it idempotent: a tenant may be enabled again). Permissions: core checked them.

    Example::

        @hookimpl
        def zugong_tenant_enabled(tenant, settings):
            services.seed_categories()
    """


@hookspec
def zugong_tenant_disabled(tenant: Tenant) -> None:
    """The plugin was just disabled for ``tenant``.

    Args: the tenant. Returns: nothing. Scope: this plugin alone, inside ``tenant``'s
    scope. Writes: yes, but never delete data (enabling again must find it all).
    Permissions: core checked them.

    Example::

        @hookimpl
        def zugong_tenant_disabled(tenant):
            services.cancel_pending_reminders()
    """


@hookspec
def zugong_audit_actions() -> dict[str, str]:
    """Readable titles (Chinese msgids) for the audit actions this plugin records.
    Workflow transitions need none: they are titled by their declaration.

    Returns: action → msgid. Scope: every installed plugin, no tenant. Writes: no.
    Permissions: n/a (the audit pages check who may read the log).

    Example::

        @hookimpl
        def zugong_audit_actions():
            return {"petition.identity_viewed": N_("查看信访人身份")}
    """


@hookspec
def zugong_demo_data(tenant: Tenant) -> None:
    """Create demo records for ``tenant`` (embedded mode, first start).

    Args: the tenant. Returns: nothing. Scope: inside ``tenant``'s scope, only plugins
    it enables. Writes: yes (core commits). Permissions: none; it acts as the system.

    Example::

        @hookimpl
        def zugong_demo_data(tenant):
            demo.create_demo_data(tenant)
    """


@hookspec
def zugong_rollup_figures(tenant_ids: tuple[int, ...], period: Period) -> list[FigureSet]:
    """Aggregate figures of ``tenant_ids`` for ``period``, per tenant, for the 汇总 of an
    upper level (:mod:`core.rollup`): figures only, never records or names.

    Args: the tenants asked about (each enables this plugin; a subtree of up to
    thousands), the period (``start``/``end`` dates, both included).
    Returns: :class:`FigureSet` items, each with ``values[tenant_id][figure_key]`` as
    integers (counts, or money in 分); rates are declared (:class:`Rate`), not computed:
    core divides the summed parts. Compute them set-based — one ``GROUP BY tenant_id``
    query per set over all ``tenant_ids``, never a query per tenant.
    Scope: an audited cross-tenant scope opening exactly ``tenant_ids`` is open (the ORM
    criteria and row-level security admit no other tenant); called for this plugin
    alone, only when some tenant of the subtree enables it. Writes: no.
    Permissions: core (``core.rollup.view`` in the requesting tenant, and the subtree
    check); the hook checks none.

    Example::

        @hookimpl
        def zugong_rollup_figures(tenant_ids, period):
            return rollup.figures(tenant_ids, period)
    """
