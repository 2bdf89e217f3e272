"""The petitions plugin's permission keys (use these constants, never the strings), their
definitions and the roles a tenant gets when it enables the plugin."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.plugins.types import PermissionDef, RoleDef

VIEW = "petitions.view"
REGISTER = "petitions.register"
HANDLE = "petitions.handle"
APPROVE = "petitions.approve"
VIEW_IDENTITY = "petitions.view_identity"
#: Who may print a reporter (检举人) as the addressee of a notice (信访工作条例 Art. 30):
#: the holders of the identity permission, each print audited. Other petitioners are
#: named on their notices for whoever prints them.
ADDRESSEE = VIEW_IDENTITY
STATISTICS = "petitions.statistics"
MANAGE_CATEGORIES = "petitions.manage_categories"

DEFINITIONS = [
    PermissionDef(VIEW, _l("查看信访件")),
    PermissionDef(REGISTER, _l("登记信访件")),
    PermissionDef(HANDLE, _l("办理信访件")),
    PermissionDef(APPROVE, _l("审批信访件")),
    PermissionDef(VIEW_IDENTITY, _l("查看检举人身份"), sensitive=True),
    PermissionDef(STATISTICS, _l("查看信访统计")),
    PermissionDef(MANAGE_CATEGORIES, _l("维护信访问题类别")),
]

DEFAULT_ROLES = [
    RoleDef("petition_clerk", "信访专干", (VIEW, REGISTER, HANDLE, STATISTICS)),
    RoleDef("petition_leader", "信访分管领导", tuple(p.key for p in DEFINITIONS)),
]
