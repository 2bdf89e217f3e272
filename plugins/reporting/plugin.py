"""The reporting plugin's hook implementations (组工信息报送): each one short, calling the
modules that hold the work. Its models and workflows are imported here so the metadata,
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
from plugins.reporting import attachments as attachments  # noqa: F401 - declares the kind
from plugins.reporting import demo, rollup, todo
from plugins.reporting import models as models  # noqa: F401 - registers the tables
from plugins.reporting.api import bp as api_bp
from plugins.reporting.bulletins import workflow as bulletin_workflow  # noqa: F401 - its flow
from plugins.reporting.bulletins.documents import ISSUE
from plugins.reporting.permissions import PERMISSIONS, ROLES, VIEW
from plugins.reporting.priorities.workflow import PRIORITY_EVENTS
from plugins.reporting.scoring import models as scoring_models  # noqa: F401 - its tables
from plugins.reporting.scoring.documents import RANKING
from plugins.reporting.search import zugong_search as zugong_search  # noqa: F401 - search box
from plugins.reporting.settings import ReportingSettings
from plugins.reporting.views import bp as pages_bp
from plugins.reporting.workflow import NOTE_TITLES

declare_hooks(
    globals(),
    PluginMeta(
        "reporting",
        "信息报送",
        "Information reporting",
        "0.1.0",
        "组工信息的撰写、报送、采用与积分排名",
    ),
    PERMISSIONS,
    ROLES,
    ReportingSettings,
    [pages_bp, api_bp],
)


@hookimpl
def zugong_audit_actions() -> dict[str, str]:
    return {
        **{f"reporting_item.{name}": title for name, title in NOTE_TITLES.items()},
        "reporting_priority.edited": PRIORITY_EVENTS["edited"],
        "reporting.on_behalf": N_("代上级单位写入报送记录"),
        "reporting.missed_report": N_("登记漏报"),
        "reporting.ranking_published": N_("发布排名通报"),
        "reporting.request_sent": N_("发出约稿"),
        "reporting.quota_set": N_("下达报送任务"),
        "reporting.facts_refreshed": N_("重算排名汇总"),
    }


@hookimpl
def zugong_document_templates() -> list[DocumentTemplateDef]:
    return [ISSUE, RANKING]


@hookimpl
def zugong_periodic_jobs() -> list[PeriodicJob]:
    return [
        PeriodicJob(
            "reporting.ranking_facts",
            "plugins.reporting.jobs:refresh_ranking_facts",
            timedelta(hours=1),
            scope="tenant",
        )
    ]


@hookimpl
def zugong_nav_items(tenant, actor) -> list[NavItem]:
    return [NavItem(_l("信息报送"), "reporting.mine", icon="send", order=25, permission=VIEW)]


@hookimpl
def zugong_todo_items(tenant, actor) -> list[TodoItem]:
    return todo.todo_items(tenant, actor)


@hookimpl
def zugong_dashboard_widgets(tenant, actor) -> list[DashboardWidget]:
    if not actor.can(VIEW):
        return []
    context = todo.widget_context(tenant, actor)
    return [DashboardWidget(_l("信息报送"), "reporting/_dashboard_widget.html", context, order=25)]


@hookimpl
def zugong_demo_data(tenant) -> None:
    demo.create_demo_data(tenant)


@hookimpl
def zugong_rollup_figures(tenant_ids, period) -> list:
    return rollup.figures(tenant_ids, period)
