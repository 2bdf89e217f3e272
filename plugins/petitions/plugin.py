"""The petitions plugin's declarations: permissions, roles, settings, and its models and
workflow (imported here so the metadata, Alembic and the workflow registry see them)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate

from core.i18n import N_
from core.plugins import hookimpl
from core.plugins.types import PermissionDef, PluginMeta, RoleDef
from plugins.petitions import hookspecs as hookspecs  # noqa: F401 - declares its hooks
from plugins.petitions import models as models  # noqa: F401 - registers the tables
from plugins.petitions import workflow as workflow  # noqa: F401 - declares the workflow

PERMISSIONS = [
    PermissionDef("petitions.view", _l("查看信访件")),
    PermissionDef("petitions.register", _l("登记信访件")),
    PermissionDef("petitions.handle", _l("办理信访件")),
    PermissionDef("petitions.approve", _l("审批信访件")),
    PermissionDef("petitions.view_identity", _l("查看检举人身份"), sensitive=True),
    PermissionDef("petitions.statistics", _l("查看信访统计")),
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


# -- public portal, statistics and notices ------------------------------------------------
# Implemented under their own function names (pluggy's ``specname``), so these hooks sit
# beside the other petitions increments' implementations of the same hooks.


@hookimpl(specname="zugong_blueprints")
def portal_statistics_notice_blueprints() -> list:
    from plugins.petitions import notice_views, portal_views, statistics_views

    return [
        portal_views.pages,
        portal_views.api,
        statistics_views.pages,
        statistics_views.api,
        notice_views.pages,
        notice_views.api,
    ]


@hookimpl(specname="zugong_document_templates")
def notice_templates() -> list:
    from plugins.petitions import notices

    return notices.definitions()


@hookimpl(specname="zugong_dashboard_widgets")
def statistics_widget(tenant, actor) -> list:
    from plugins.petitions import statistics_views

    return statistics_views.dashboard_widget(tenant, actor)


@hookimpl(specname="zugong_nav_items")
def statistics_nav(tenant, actor) -> list:
    from core.plugins.types import NavItem

    if not actor.can("petitions.statistics"):
        return []
    return [NavItem(_l("信访统计"), "petitions_stats.page", icon="bar-chart", order=21)]


@hookimpl(specname="zugong_audit_actions")
def notice_audit_actions() -> dict[str, str]:
    return {"petition.identity_viewed": N_("查看信访人身份")}


@hookimpl(specname="zugong_demo_data")
def portal_demo_data(tenant) -> None:
    from plugins.petitions.portal_demo import create_demo_data

    create_demo_data(tenant)
