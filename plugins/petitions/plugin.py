"""The petitions plugin's declarations: permissions, roles, settings, and its models and
workflow (imported here so the metadata, Alembic and the workflow registry see them)."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate

from core.i18n import N_
from core.plugins import hookimpl
from core.plugins.types import (
    DashboardWidget,
    NavItem,
    PeriodicJob,
    PermissionDef,
    PluginMeta,
    RoleDef,
    TodoItem,
)
from plugins.petitions import attachments as attachments  # noqa: F401 - its attachment kind
from plugins.petitions import hookspecs as hookspecs  # noqa: F401 - declares its hooks
from plugins.petitions import models as models  # noqa: F401 - registers the tables
from plugins.petitions import scan as scan  # noqa: F401 - lights petitions as they change
from plugins.petitions import workflow as workflow  # noqa: F401 - declares the workflow

PERMISSIONS = [
    PermissionDef("petitions.view", _l("查看信访件")),
    PermissionDef("petitions.register", _l("登记信访件")),
    PermissionDef("petitions.handle", _l("办理信访件")),
    PermissionDef("petitions.approve", _l("审批信访件")),
    PermissionDef("petitions.view_identity", _l("查看检举人身份"), sensitive=True),
    PermissionDef("petitions.statistics", _l("查看信访统计")),
    PermissionDef("petitions.manage_categories", _l("维护信访问题类别")),
]


class PetitionSettings(Schema):
    accept_days = fields.Integer(
        strict=True,
        load_default=15,
        validate=validate.Range(min=1, max=15),
        metadata={"title": N_("受理期限（日）")},
    )
    close_days = fields.Integer(
        strict=True,
        load_default=60,
        validate=validate.Range(min=1, max=60),
        metadata={"title": N_("办结期限（日）")},
    )
    extension_max_days = fields.Integer(
        strict=True,
        load_default=30,
        validate=validate.Range(min=0, max=30),
        metadata={"title": N_("延期上限（日）")},
    )
    return_working_days = fields.Integer(
        strict=True,
        load_default=5,
        validate=validate.Range(min=1, max=5),
        metadata={"title": N_("退回期限（工作日）")},
    )
    appeal_months = fields.Integer(
        strict=True,
        load_default=3,
        validate=validate.Range(min=1, max=12),
        metadata={"title": N_("党员申诉办理期限（月）")},
    )
    warning_days = fields.Integer(
        strict=True,
        load_default=3,
        validate=validate.Range(min=0, max=15),
        metadata={"title": N_("临期预警天数")},
    )
    longterm_min_petitions = fields.Integer(
        strict=True,
        load_default=5,
        validate=validate.Range(min=2, max=100),
        metadata={"title": N_("信访老户：期间内信访件数达到")},
    )
    longterm_months = fields.Integer(
        strict=True,
        load_default=12,
        validate=validate.Range(min=1, max=60),
        metadata={"title": N_("信访老户：统计期间（月）")},
    )
    longterm_unresolved_days = fields.Integer(
        strict=True,
        load_default=365,
        validate=validate.Range(min=90, max=3650),
        metadata={"title": N_("信访老户：信访件未办结超过（日）")},
    )
    longterm_review_months = fields.Integer(
        strict=True,
        load_default=3,
        validate=validate.Range(min=1, max=12),
        metadata={"title": N_("信访老户：包案领导复核周期（月）")},
    )
    portal_enabled = fields.Boolean(load_default=False, metadata={"title": N_("开放网上信访")})
    portal_daily_limit = fields.Integer(
        strict=True,
        load_default=5,
        validate=validate.Range(min=1, max=50),
        metadata={"title": N_("每客户端每日提交上限")},
    )


@hookimpl
def zugong_plugin_meta() -> PluginMeta:
    return PluginMeta(
        "petitions", "信访", "Petitions", "0.1.0", "来信、来访、来电、网络信访的受理与办理"
    )


@hookimpl
def zugong_permissions() -> list[PermissionDef]:
    return PERMISSIONS


@hookimpl
def zugong_default_roles() -> list[RoleDef]:
    return [
        RoleDef(
            "petition_clerk",
            "信访专干",
            ("petitions.view", "petitions.register", "petitions.handle", "petitions.statistics"),
        ),
        RoleDef("petition_leader", "信访分管领导", tuple(p.key for p in PERMISSIONS)),
    ]


@hookimpl
def zugong_settings_schema() -> Schema:
    return PetitionSettings()


@hookimpl
def zugong_blueprints() -> list:
    from plugins.petitions import (
        api,
        api_links,
        detail_links,
        notice_views,
        pages,
        portal_views,
        statistics_views,
    )

    return [
        pages.bp,
        api.bp,
        api_links.bp,
        portal_views.pages,
        portal_views.api,
        statistics_views.pages,
        statistics_views.api,
        notice_views.pages,
        notice_views.api,
        detail_links.pages,
        detail_links.api,
    ]


@hookimpl
def zugong_nav_items(tenant, actor) -> list[NavItem]:
    return [
        NavItem(
            _l("信访件"), "petitions.index", icon="envelope", order=20, permission="petitions.view"
        ),
        NavItem(
            _l("登记信访"), "petitions.new", icon="plus", order=21, permission="petitions.register"
        ),
        NavItem(
            _l("信访统计"),
            "petitions_stats.page",
            icon="bar-chart",
            order=22,
            permission="petitions.statistics",
        ),
        NavItem(
            _l("问题类别"),
            "petitions.category_list",
            icon="tags",
            order=29,
            permission="petitions.manage_categories",
        ),
    ]


@hookimpl
def zugong_tenant_enabled(tenant, settings) -> None:
    from plugins.petitions.categories import seed_defaults

    seed_defaults()


@hookimpl
def zugong_periodic_jobs() -> list[PeriodicJob]:
    return [
        # State changes light petitions at once; the calendar moves lights at midnight:
        # an hourly look through the index, and a daily comparison of every row.
        PeriodicJob(
            "petitions.deadline_thresholds",
            "plugins.petitions.scan:scan_thresholds",
            timedelta(hours=1),
        ),
        PeriodicJob(
            "petitions.deadline_scan", "plugins.petitions.scan:scan_all", timedelta(days=1)
        ),
        PeriodicJob(
            "petitions.longterm_flagging",
            "plugins.petitions.longterm:run_flagging",
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
    from plugins.petitions import statistics_views
    from plugins.petitions.todo import dashboard_widgets

    return [
        *dashboard_widgets(tenant, actor),
        *statistics_views.dashboard_widget(tenant, actor),
    ]


@hookimpl
def zugong_document_templates() -> list:
    from plugins.petitions import notices

    return notices.definitions()


@hookimpl
def zugong_audit_actions() -> dict[str, str]:
    return {
        "petition.identity_viewed": N_("查看信访人身份信息"),
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
        "petition_longterm.reviewed": N_("信访老户定期复核"),
    }


@hookimpl
def zugong_demo_data(tenant) -> None:
    from plugins.petitions import demo, portal_demo

    demo.create_demo_data(tenant)
    portal_demo.create_demo_data(tenant)
