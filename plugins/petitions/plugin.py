"""The petitions plugin's hook implementations: each one short, calling the modules that
hold the work. The opening five (meta, permissions, roles, settings, blueprints) are bound
by :func:`core.plugins.declare.declare_hooks`. The models, the workflow and the route
modules are imported here so the metadata, Alembic, the workflow registry and the two
blueprints see them."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l

from core.i18n import N_
from core.plugins import hookimpl
from core.plugins.declare import declare_hooks
from core.plugins.types import (
    DashboardWidget,
    NavItem,
    PeriodicJob,
    PluginMeta,
    TodoItem,
)
from plugins.petitions import attachments as attachments  # noqa: F401 - its attachment kind
from plugins.petitions import hookspecs as hookspecs  # noqa: F401 - declares its hooks
from plugins.petitions import models as models  # noqa: F401 - registers the tables
from plugins.petitions import month_figures as month_figures  # noqa: F401 - the 汇总's table
from plugins.petitions import permissions, settings
from plugins.petitions import reported as reported  # noqa: F401 - hides a petition from its reported person
from plugins.petitions import workflow as workflow  # noqa: F401 - declares the workflow
from plugins.petitions.api import links as link_api  # noqa: F401 - routes
from plugins.petitions.api import notices as notice_api  # noqa: F401 - routes
from plugins.petitions.api import petitions as petition_api  # noqa: F401 - routes
from plugins.petitions.api import statistics as statistics_api  # noqa: F401 - routes
from plugins.petitions.api.blueprint import bp as api_bp
from plugins.petitions.portal import views as portal_views
from plugins.petitions.search import zugong_search as zugong_search  # noqa: F401 - search box
from plugins.petitions.services import crosstenant as crosstenant  # noqa: F401 - linked moves
from plugins.petitions.services import lights as lights  # noqa: F401 - lights petitions as they change
from plugins.petitions.services import reviews as reviews  # noqa: F401 - linked moves
from plugins.petitions.views import categories as category_pages  # noqa: F401 - routes
from plugins.petitions.views import links as link_pages  # noqa: F401 - routes
from plugins.petitions.views import longterm as longterm_pages  # noqa: F401 - routes
from plugins.petitions.views import notices as notice_pages  # noqa: F401 - routes
from plugins.petitions.views import petitions as petition_pages  # noqa: F401 - routes
from plugins.petitions.views import statistics as statistics_pages  # noqa: F401 - routes
from plugins.petitions.views.blueprint import bp as pages_bp

declare_hooks(
    globals(),
    PluginMeta("petitions", "信访", "Petitions", "0.1.0", "来信、来访、来电、网络信访的受理与办理"),
    permissions.DEFINITIONS,
    permissions.DEFAULT_ROLES,
    settings.PetitionSettings,
    [pages_bp, api_bp, portal_views.pages, portal_views.api],
)


@hookimpl
def zugong_nav_items(tenant, actor) -> list[NavItem]:
    return [
        NavItem(
            _l("信访件"), "petitions.index", icon="envelope", order=20, permission=permissions.VIEW
        ),
        NavItem(
            _l("登记信访"), "petitions.new", icon="plus", order=21, permission=permissions.REGISTER
        ),
        NavItem(
            _l("信访统计"),
            "petitions.statistics_page",
            icon="bar-chart",
            order=22,
            permission=permissions.STATISTICS,
        ),
        NavItem(
            _l("问题类别"),
            "petitions.category_list",
            icon="tags",
            order=29,
            permission=permissions.MANAGE_CATEGORIES,
        ),
    ]


@hookimpl
def zugong_tenant_enabled(tenant, settings) -> None:
    from plugins.petitions.services.categories import seed_defaults

    seed_defaults()


@hookimpl
def zugong_periodic_jobs() -> list[PeriodicJob]:
    return [
        # State changes light petitions at once; the calendar moves lights at midnight:
        # an hourly look through the index, and a daily comparison of every row.
        PeriodicJob(
            "petitions.deadline_thresholds",
            "plugins.petitions.jobs:scan_thresholds",
            timedelta(hours=1),
        ),
        PeriodicJob(
            "petitions.deadline_scan", "plugins.petitions.jobs:scan_all", timedelta(days=1)
        ),
        PeriodicJob(
            "petitions.longterm_flagging",
            "plugins.petitions.jobs:run_flagging",
            timedelta(days=1),
            scope="tenant",
        ),
    ]


@hookimpl
def zugong_todo_items(tenant, actor) -> list[TodoItem]:
    from plugins.petitions.todo import todo_items

    return todo_items(tenant, actor)


@hookimpl
def zugong_dashboard_widgets(tenant, actor) -> list[DashboardWidget]:
    from plugins.petitions.todo import dashboard_widgets, statistics_widget

    return [*dashboard_widgets(tenant, actor), *statistics_widget(tenant, actor)]


@hookimpl
def zugong_exports() -> list:
    from plugins.petitions.documents.ledger import EXPORT

    return [EXPORT]


@hookimpl
def zugong_document_templates() -> list:
    from plugins.petitions.documents import forms, notices

    return [*notices.definitions(), forms.DEFINITION]


@hookimpl
def zugong_audit_actions() -> dict[str, str]:
    return {
        "petition.identity_viewed": N_("查看信访人身份信息"),
        "petition.answered_late": N_("逾期作出复查复核意见"),
        "petition.exported": N_("导出信访台账"),
        "petition.conflict_declared": N_("声明回避"),
        "petition.query_code_issued": N_("生成网上查询码"),
        "petition_category.seeded": N_("初始化信访问题类别"),
        "petition_category.created": N_("新增信访问题类别"),
        "petition_category.updated": N_("修改信访问题类别"),
        "petition_category.moved": N_("调整信访问题类别顺序"),
        "petition_category.deleted": N_("删除信访问题类别"),
        "petition.cross_tenant": N_("跨单位传递信访件"),
        "petition.identity_forwarded": N_("随件报送信访人身份"),
        "petition.deadline_scan": N_("信访期限扫描"),
        "petition.escalated": N_("升级督办"),
        "petition.flagged": N_("标记领导督办"),
        "petition_longterm.updated": N_("修改信访老户包案信息"),
        "petition_longterm.reviewed": N_("信访老户定期研判"),
    }


@hookimpl
def zugong_demo_data(tenant) -> None:
    from plugins.petitions import demo
    from plugins.petitions.portal import demo as portal_demo

    demo.create_demo_data(tenant)
    portal_demo.create_demo_data(tenant)


@hookimpl
def zugong_rollup_figures(tenant_ids, period) -> list:
    from plugins.petitions import rollup

    return rollup.figures(tenant_ids, period)
