"""The reporting plugin's permission keys, their definitions and the default roles."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.plugins.types import PermissionDef, RoleDef

VIEW = "reporting.view"
WRITE = "reporting.write"
APPROVE = "reporting.approve"
ADOPT = "reporting.adopt"
RANK = "reporting.rank"

PERMISSIONS = [
    PermissionDef(VIEW, _l("查看组工信息")),
    PermissionDef(WRITE, _l("撰写组工信息")),
    PermissionDef(APPROVE, _l("审批报送")),
    PermissionDef(ADOPT, _l("采用下级报送的信息")),
    PermissionDef(RANK, _l("积分排名与通报")),
]

ROLES = [
    RoleDef("info_officer", "信息员", (VIEW, WRITE)),
    RoleDef("info_leader", "信息工作分管领导", tuple(p.key for p in PERMISSIONS)),
]
