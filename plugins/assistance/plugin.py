"""The assistance plugin (困难党员帮扶): declarations and hooks; the features live in the
sibling modules (models, ledger, workflow, services, api, pages, reports, jobs)."""

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
from plugins.assistance import models as models  # noqa: F401 - registers the tables
from plugins.assistance import workflow as workflow  # noqa: F401 - declares the workflows
from plugins.assistance.permissions import DEFAULT_ROLES, PERMISSIONS, VIEW


class AssistanceSettings(Schema):
    rural_income_threshold_fen = fields.Integer(
        strict=True,
        load_default=70_000,
        validate=validate.Range(min=0),
        metadata={"title": N_("农村困难认定收入标准（分/年）")},
    )
    loan_term_months = fields.Integer(
        strict=True,
        load_default=24,
        validate=validate.Range(min=1, max=60),
        metadata={"title": N_("借款期限（月）")},
    )
    annual_borrower_quota = fields.Integer(
        strict=True,
        load_default=50,
        validate=validate.Range(min=0),
        metadata={"title": N_("年度借款户数上限")},
    )
    required_documents = fields.String(
        load_default="困难党员帮扶申请表、家庭收入证明、支部大会初审意见",
        validate=validate.Length(max=500),
        metadata={"title": N_("认定须提交的材料（以顿号分隔）")},
    )
    grant_approval_limit_fen = fields.Integer(
        strict=True,
        load_default=200_000,
        validate=validate.Range(min=0),
        metadata={"title": N_("分管领导救助审批限额（分），超出须部务会审批")},
    )
    review_months = fields.Integer(
        strict=True,
        load_default=12,
        validate=validate.Range(min=1, max=24),
        metadata={"title": N_("复核周期（月）")},
    )
    review_warning_days = fields.Integer(
        strict=True,
        load_default=30,
        validate=validate.Range(min=0, max=90),
        metadata={"title": N_("年度复核提前提醒天数")},
    )
    notice_working_days = fields.Integer(
        strict=True,
        load_default=5,
        validate=validate.Range(min=1, max=30),
        metadata={"title": N_("公示期（工作日）")},
    )


@hookimpl
def zugong_plugin_meta() -> PluginMeta:
    return PluginMeta(
        "assistance", "困难党员帮扶", "Assistance", "0.1.0", "困难党员建档、帮扶基金、救助与借款"
    )


@hookimpl
def zugong_permissions() -> list[PermissionDef]:
    return PERMISSIONS


@hookimpl
def zugong_default_roles() -> list[RoleDef]:
    return DEFAULT_ROLES


@hookimpl
def zugong_settings_schema() -> Schema:
    return AssistanceSettings()


@hookimpl
def zugong_blueprints() -> list:
    from plugins.assistance.api import bp as api_bp
    from plugins.assistance.pages import bp as pages_bp

    return [api_bp, pages_bp]


@hookimpl
def zugong_nav_items(tenant, actor) -> list[NavItem]:
    if not actor.can(VIEW):
        return []
    return [NavItem(_l("困难党员帮扶"), "assistance.index", icon="heart", order=40)]


@hookimpl
def zugong_dashboard_widgets(tenant, actor) -> list[DashboardWidget]:
    if not actor.can(VIEW):
        return []
    from plugins.assistance.reports import widget_data

    return [
        DashboardWidget(
            _l("困难党员帮扶"), "assistance/_dashboard_widget.html", widget_data(), order=40
        )
    ]


@hookimpl
def zugong_todo_items(tenant, actor) -> list[TodoItem]:
    from plugins.assistance.todo import todo_items

    return todo_items(tenant, actor)


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
            "plugins.assistance.jobs:scan_arrears",
            timedelta(hours=6),
            scope="tenant",
        ),
    ]


@hookimpl
def zugong_tenant_enabled(tenant, settings) -> None:
    from core.tenancy.scope import tenant_scope
    from plugins.assistance.ledger import ensure_accounts

    with tenant_scope(tenant.id):
        ensure_accounts()


@hookimpl
def zugong_document_templates() -> list[DocumentTemplateDef]:
    from plugins.assistance.reports import ANNUAL_REPORT

    return [ANNUAL_REPORT]


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
    from plugins.assistance.demo import create_demo_data

    create_demo_data(tenant)


@hookimpl
def zugong_rollup_figures(tenant_ids, period) -> list:
    from plugins.assistance import rollup

    return rollup.figures(tenant_ids, period)
