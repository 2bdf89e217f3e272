"""The supervision plugin (督查督办): declarations, and its models and workflow (imported
here so the metadata, Alembic and the workflow registry see them)."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate

from core.i18n import N_
from core.plugins import hookimpl
from core.plugins.types import (
    DashboardWidget,
    DocumentTemplateDef,
    NavItem,
    PeriodicJob,
    PermissionDef,
    PluginMeta,
    RoleDef,
    TodoItem,
)
from plugins.supervision import models as models  # noqa: F401 - registers the tables
from plugins.supervision import workflow as workflow  # noqa: F401 - declares the workflow

PERMISSIONS = [
    PermissionDef("supervision.view", _l("查看督办事项")),
    PermissionDef("supervision.assign", _l("立项交办")),
    PermissionDef("supervision.report", _l("反馈进展")),
    PermissionDef("supervision.verify", _l("核验办结与评价")),
]


class SupervisionSettings(Schema):
    acknowledge_working_days = fields.Integer(
        strict=True,
        load_default=2,
        validate=validate.Range(min=1, max=10),
        metadata={"title": N_("签收期限（工作日）")},
    )
    remind_days_before = fields.Integer(
        strict=True,
        load_default=3,
        validate=validate.Range(min=0, max=30),
        metadata={"title": N_("到期前提醒天数")},
    )


@hookimpl
def zugong_plugin_meta() -> PluginMeta:
    return PluginMeta(
        "supervision", "督查督办", "Supervision", "0.1.0", "工作任务的立项、交办、督促与办结"
    )


@hookimpl
def zugong_permissions() -> list[PermissionDef]:
    return PERMISSIONS


@hookimpl
def zugong_default_roles() -> list[RoleDef]:
    return [
        RoleDef("supervisor", "督查专员", tuple(p.key for p in PERMISSIONS)),
        RoleDef("task_owner", "责任人", ("supervision.view", "supervision.report")),
    ]


@hookimpl
def zugong_settings_schema() -> Schema:
    return SupervisionSettings()


@hookimpl
def zugong_blueprints() -> list:
    from plugins.supervision.api import bp as api_bp
    from plugins.supervision.pages import bp as pages_bp

    return [pages_bp, api_bp]


@hookimpl
def zugong_nav_items(tenant, actor) -> list[NavItem]:
    if not actor.can("supervision.view"):
        return []
    return [NavItem(_l("督查督办"), "supervision.board", icon="flag", order=30)]


@hookimpl
def zugong_todo_items(tenant, actor) -> list[TodoItem]:
    from plugins.supervision.todo import todo_items

    return todo_items(tenant, actor)


@hookimpl
def zugong_dashboard_widgets(tenant, actor) -> list[DashboardWidget]:
    if not actor.can("supervision.view"):
        return []
    from plugins.supervision.todo import widget_context

    return [
        DashboardWidget(
            _l("督查督办"), "supervision/_dashboard_widget.html", widget_context(tenant), order=30
        )
    ]


@hookimpl
def zugong_periodic_jobs() -> list[PeriodicJob]:
    return [
        PeriodicJob(
            "supervision.scan",
            "plugins.supervision.scan:run_scan",
            timedelta(hours=1),
            scope="tenant",
        )
    ]


@hookimpl
def zugong_document_templates() -> list[DocumentTemplateDef]:
    from plugins.supervision.bulletin import DEFINITION

    return [DEFINITION]


@hookimpl
def zugong_audit_actions() -> dict[str, str]:
    from plugins.supervision.workflow import NOTE_TITLES

    return {f"supervision_item.{name}": title for name, title in NOTE_TITLES.items()}


@hookimpl(trylast=True)  # after core's, so the demo items use its sections and people
def zugong_demo_data(tenant) -> None:
    from plugins.supervision.demo import create_demo_data

    create_demo_data(tenant)


@hookimpl(optionalhook=True)
def zugong_petition_escalate(tenant, actor, petition):
    """Declared by the petitions plugin: follow an escalated petition as an item."""
    from plugins.supervision.escalation import escalate_petition

    return escalate_petition(tenant, actor, petition)
