"""The assistance plugin's hook implementations: each one short, calling the modules
that hold the work. The models and the workflow are imported here so the metadata,
Alembic and the workflow registry see them."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l

from core.i18n import N_
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
from core.tenancy.scope import tenant_scope
from plugins.assistance import demo, documents, permissions, todo
from plugins.assistance import models as models  # noqa: F401 - registers the tables
from plugins.assistance import workflow as workflow  # noqa: F401 - declares the workflows
from plugins.assistance.api import aid, fund, moves, records, visits  # noqa: F401 - routes
from plugins.assistance.api import blueprint as api_blueprint
from plugins.assistance.queries.reports import widget_data
from plugins.assistance.search import zugong_search as zugong_search  # noqa: F401 - search box
from plugins.assistance.services.fund import ensure_accounts
from plugins.assistance.settings import AssistanceSettings
from plugins.assistance.views import aid as aid_pages  # noqa: F401 - routes
from plugins.assistance.views import blueprint as page_blueprint
from plugins.assistance.views import fund as fund_pages  # noqa: F401 - routes
from plugins.assistance.views import moves as move_pages  # noqa: F401 - routes
from plugins.assistance.views import records as record_pages  # noqa: F401 - routes
from plugins.assistance.views import reports as report_pages  # noqa: F401 - routes
from plugins.assistance.views import visits as visit_pages  # noqa: F401 - routes

declare_hooks(
    globals(),
    PluginMeta(
        "assistance", "困难党员帮扶", "Assistance", "0.1.0", "困难党员建档、帮扶基金、救助与借款"
    ),
    permissions.PERMISSIONS,
    permissions.DEFAULT_ROLES,
    AssistanceSettings,
    [page_blueprint.bp, api_blueprint.bp],
)


@hookimpl
def zugong_nav_items(tenant, actor) -> list[NavItem]:
    return [
        NavItem(
            _l("困难党员帮扶"),
            "assistance.index",
            icon="heart",
            order=40,
            permission=permissions.VIEW,
        )
    ]


@hookimpl
def zugong_dashboard_widgets(tenant, actor) -> list[DashboardWidget]:
    if not actor.can(permissions.VIEW):
        return []
    return [
        DashboardWidget(
            _l("困难党员帮扶"), "assistance/_dashboard_widget.html", widget_data(), order=40
        )
    ]


@hookimpl
def zugong_todo_items(tenant, actor) -> list[TodoItem]:
    return todo.todo_items(tenant, actor)


@hookimpl
def zugong_periodic_jobs() -> list[PeriodicJob]:
    return [
        PeriodicJob(
            "assistance.open_annual_reviews",
            "plugins.assistance.jobs:open_annual_reviews",
            timedelta(hours=12),
            scope="tenant",
        ),
        PeriodicJob(
            "assistance.scan_arrears",
            "plugins.assistance.jobs:scan_all_arrears",
            timedelta(hours=6),
        ),
    ]


@hookimpl
def zugong_tenant_enabled(tenant, settings) -> None:
    with tenant_scope(tenant.id):
        ensure_accounts()


@hookimpl
def zugong_exports() -> list:
    from plugins.assistance.exports import REGISTER_EXPORT

    return [REGISTER_EXPORT]


@hookimpl
def zugong_document_templates() -> list[DocumentTemplateDef]:
    return [documents.ANNUAL_REPORT, *documents.RECORD_FORMS]


@hookimpl
def zugong_audit_actions() -> dict[str, str]:
    return {
        "assistance.documents": N_("登记认定材料"),
        "assistance.objection": N_("登记公示异议"),
        "assistance.objection_resolved": N_("处理公示异议"),
        "assistance.income_viewed": N_("查看家庭收入"),
        "assistance.repayment": N_("借款还款"),
        "assistance.pairing": N_("建立结对帮扶"),
        "assistance.delivered": N_("走访慰问送达"),
        "assistance.reviews_opened": N_("启动年度复核"),
        "assistance.arrears_marked": N_("标记逾期还款"),
        "assistance.imported": N_("导入困难党员台账"),
    }


@hookimpl
def zugong_demo_data(tenant) -> None:
    demo.create_demo_data(tenant)


@hookimpl
def zugong_rollup_figures(tenant_ids, period) -> list:
    from plugins.assistance import rollup

    return rollup.figures(tenant_ids, period)
