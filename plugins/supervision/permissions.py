"""The supervision plugin's permission keys, their titles and its default roles. Every
module checks permissions through these constants, never a literal."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.plugins.types import PermissionDef, RoleDef

VIEW = "supervision.view"
ASSIGN = "supervision.assign"
REPORT = "supervision.report"
VERIFY = "supervision.verify"

PERMISSIONS = [
    PermissionDef(VIEW, _l("查看督办事项")),
    PermissionDef(ASSIGN, _l("立项交办")),
    PermissionDef(REPORT, _l("反馈进展")),
    PermissionDef(VERIFY, _l("核验办结与评价")),
]

DEFAULT_ROLES = [
    RoleDef("supervisor", "督查专员", tuple(p.key for p in PERMISSIONS)),
    RoleDef("task_owner", "责任人", (VIEW, REPORT)),
]
