"""The assistance plugin's declarations (its features are issue #5)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate

from core.i18n import N_
from core.plugins import hookimpl
from core.plugins.types import PermissionDef, PluginMeta, RoleDef
from plugins.assistance import models as models  # noqa: F401 - registers the tables

PERMISSIONS = [
    PermissionDef("assistance.view", _l("查看困难党员台账")),
    PermissionDef("assistance.register", _l("建档与认定")),
    PermissionDef("assistance.approve", _l("审批救助与借款")),
    PermissionDef("assistance.pay", _l("资金支付记账")),
    PermissionDef("assistance.approve_major", _l("审批超限额救助（部务会）")),
    PermissionDef("assistance.view_income", _l("查看家庭收入等敏感信息"), sensitive=True),
]


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
    return [
        RoleDef("assistance_clerk", "帮扶专干", ("assistance.view", "assistance.register")),
        RoleDef("assistance_leader", "帮扶分管领导", tuple(p.key for p in PERMISSIONS)),
    ]


@hookimpl
def zugong_settings_schema() -> Schema:
    return AssistanceSettings()
