"""Core registers itself as a plugin, so its permissions, roles, settings, navigation and
jobs travel through the same hooks as every feature plugin's."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate

from core.i18n import N_
from core.permissions import (
    MANAGE_USERS,
    PERMISSIONS,
    ROLES,
    ROLLUP_SUBMIT,
    ROLLUP_VIEW,
    SUBTREE_MANAGE,
    VIEW_AUDIT,
    VIEW_MEMBERS,
)
from core.plugins import hookimpl
from core.plugins.types import (
    DashboardWidget,
    DocumentTemplateDef,
    NavItem,
    PeriodicJob,
    PermissionDef,
    RoleDef,
)


class CoreSettings(Schema):
    warning_days = fields.Integer(
        strict=True,
        load_default=3,
        validate=validate.Range(min=0, max=30),
        metadata={"title": N_("临期预警天数（黄灯）")},
    )
    unit_full_name = fields.String(
        load_default="",
        validate=validate.Length(max=100),
        metadata={"title": N_("文书落款单位全称")},
    )


@hookimpl
def zugong_permissions() -> list[PermissionDef]:
    return PERMISSIONS


@hookimpl
def zugong_default_roles() -> list[RoleDef]:
    return ROLES


@hookimpl
def zugong_settings_schema() -> Schema:
    return CoreSettings()


@hookimpl
def zugong_nav_items(tenant, actor) -> list[NavItem]:
    return [
        NavItem(_l("工作台"), "web.dashboard", icon="house", order=0),
        NavItem(_l("待办"), "web.todo", icon="check2-square", order=1),
        NavItem(_l("组织机构"), "orgs.units", icon="diagram-3", order=80, permission=VIEW_MEMBERS),
        NavItem(_l("党员信息"), "orgs.members", icon="people", order=81, permission=VIEW_MEMBERS),
        NavItem(_l("汇总"), "rollup.index", icon="bar-chart", order=70, permission=ROLLUP_VIEW),
        NavItem(
            _l("统计报表上报"),
            "rounds.index",
            icon="send",
            order=71,
            permission=ROLLUP_SUBMIT,
        ),
        NavItem(
            _l("下级单位管理"),
            "subtree.index",
            icon="diagram-2",
            order=89,
            permission=SUBTREE_MANAGE,
        ),
        NavItem(_l("单位管理"), "admin.index", icon="gear", order=90, permission=MANAGE_USERS),
        NavItem(
            _l("审计日志"),
            "admin.audit",
            icon="journal-text",
            order=91,
            permission=VIEW_AUDIT,
        ),
    ]


@hookimpl
def zugong_dashboard_widgets(tenant, actor) -> list[DashboardWidget]:
    if not actor.can(VIEW_MEMBERS):
        return []
    from core.orgs.stats import registry_summary

    return [
        DashboardWidget(_l("党员概况"), "orgs/_dashboard_widget.html", registry_summary(), order=50)
    ]


@hookimpl
def zugong_periodic_jobs() -> list[PeriodicJob]:
    return [
        PeriodicJob(
            "core.purge_login_attempts",
            "core.auth.login:purge_old_attempts",
            timedelta(hours=6),
        ),
        PeriodicJob(
            "core.purge_job_occasions",
            "core.jobs.maintenance:purge_old_occasions",
            timedelta(days=1),
        ),
        # 统计报表上报: a reminder on each submission left past its due date.
        PeriodicJob(
            "core.rollup_reminders",
            "core.rounds.service:remind_late",
            timedelta(hours=6),
            scope="tenant",
        ),
        PeriodicJob(
            "core.purge_job_outbox",
            "core.jobs.outbox:purge_sent",
            timedelta(days=1),
        ),
    ]


@hookimpl
def zugong_document_templates() -> list[DocumentTemplateDef]:
    from core.documents import member_form
    from core.rollup import exports as rollup_exports
    from core.rounds import exports as round_exports

    return [member_form.DEFINITION, rollup_exports.DEFINITION, round_exports.DEFINITION]


@hookimpl
def zugong_audit_actions() -> dict[str, str]:
    from core.audit.labels import CORE_ACTIONS

    return CORE_ACTIONS


@hookimpl
def zugong_demo_data(tenant) -> None:
    from core.orgs.demo import create_demo_data

    create_demo_data(tenant)


@hookimpl
def zugong_search(tenant, actor, query, limit):
    from core.orgs.search import search_hits

    return search_hits(actor, query, limit)


@hookimpl
def zugong_todo_items(tenant, actor) -> list:
    from core.rounds.todo import todo_items

    return todo_items(tenant, actor)


@hookimpl
def zugong_rollup_figures(tenant_ids, period) -> list:
    from core.orgs import rollup

    return rollup.figures(tenant_ids, period)
