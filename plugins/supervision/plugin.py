"""The supervision plugin's hook implementations: each one short, calling the modules
that hold the work. The models and the workflow are imported here so the metadata,
Alembic and the workflow registry see them."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l

from core.plugins import hookimpl
from core.plugins.declare import declare_hooks
from core.plugins.types import (
    DashboardWidget,
    DocumentTemplateDef,
    NavItem,
    PeriodicJob,
    PluginMeta,
    TodoItem,
)
from plugins.supervision import demo, documents, permissions, search, todo
from plugins.supervision import models as models  # noqa: F401 - registers the tables
from plugins.supervision import workflow as workflow
from plugins.supervision.api import blueprint, followup, items, tables  # noqa: F401 - routes
from plugins.supervision.services import escalation
from plugins.supervision.settings import SupervisionSettings
from plugins.supervision.views import blueprint as page_blueprint
from plugins.supervision.views import items as item_pages  # noqa: F401 - routes
from plugins.supervision.views import tables as table_pages  # noqa: F401 - routes

declare_hooks(
    globals(),
    PluginMeta(
        "supervision", "督查督办", "Supervision", "0.1.0", "工作任务的立项、交办、督促与办结"
    ),
    permissions.PERMISSIONS,
    permissions.DEFAULT_ROLES,
    SupervisionSettings,
    [page_blueprint.bp, blueprint.bp],
)


@hookimpl
def zugong_nav_items(tenant, actor) -> list[NavItem]:
    return [
        NavItem(
            _l("督查督办"), "supervision.board", icon="flag", order=30, permission=permissions.VIEW
        )
    ]


@hookimpl
def zugong_todo_items(tenant, actor) -> list[TodoItem]:
    return todo.todo_items(tenant, actor)


@hookimpl
def zugong_search(tenant, actor, query, limit) -> list:
    return search.search_hits(actor, query, limit)


@hookimpl
def zugong_dashboard_widgets(tenant, actor) -> list[DashboardWidget]:
    if not actor.can(permissions.VIEW):
        return []
    return [
        DashboardWidget(
            _l("督查督办"),
            "supervision/_dashboard_widget.html",
            todo.widget_context(tenant),
            order=30,
        )
    ]


@hookimpl
def zugong_periodic_jobs() -> list[PeriodicJob]:
    return [
        PeriodicJob(
            "supervision.scan",
            "plugins.supervision.jobs:run_scan",
            timedelta(hours=1),
        )
    ]


@hookimpl
def zugong_exports() -> list:
    from plugins.supervision.exports import BOARD

    return [BOARD]


@hookimpl
def zugong_document_templates() -> list[DocumentTemplateDef]:
    return [documents.BULLETIN, documents.NOTICE]


@hookimpl
def zugong_audit_actions() -> dict[str, str]:
    return {f"supervision_item.{name}": title for name, title in workflow.NOTE_TITLES.items()}


@hookimpl(trylast=True)  # after core's, so the demo items use its sections and people
def zugong_demo_data(tenant) -> None:
    demo.create_demo_data(tenant)


@hookimpl(optionalhook=True)
def zugong_petition_escalate(tenant, actor, petition):
    """Declared by the petitions plugin: follow an escalated petition as an item."""
    return escalation.escalate_petition(tenant, actor, petition)


@hookimpl
def zugong_rollup_figures(tenant_ids, period) -> list:
    from plugins.supervision import rollup

    return rollup.figures(tenant_ids, period)
