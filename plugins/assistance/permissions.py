"""The assistance plugin's permission keys, their titles and its default roles. Every
module checks permissions through these constants, never a literal."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.plugins.types import PermissionDef, RoleDef

VIEW = "assistance.view"
REGISTER = "assistance.register"
APPROVE = "assistance.approve"
PAY = "assistance.pay"
APPROVE_MAJOR = "assistance.approve_major"
VIEW_INCOME = "assistance.view_income"

PERMISSIONS = [
    PermissionDef(VIEW, _l("查看困难党员台账")),
    PermissionDef(REGISTER, _l("建档与认定")),
    PermissionDef(APPROVE, _l("审批救助与借款")),
    PermissionDef(PAY, _l("资金支付记账")),
    PermissionDef(APPROVE_MAJOR, _l("审批超限额救助（部务会）")),
    PermissionDef(VIEW_INCOME, _l("查看家庭收入等敏感信息"), sensitive=True),
]

DEFAULT_ROLES = [
    RoleDef("assistance_clerk", "帮扶专干", (VIEW, REGISTER)),
    RoleDef("assistance_leader", "帮扶分管领导", tuple(p.key for p in PERMISSIONS)),
]
