"""The supervision plugin's permission keys, their titles and its default roles. Every
module checks permissions through these constants, never a literal."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.plugins.types import PermissionDef, RoleDef

VIEW = "supervision.view"
ASSIGN = "supervision.assign"
REPORT = "supervision.report"
VERIFY = "supervision.verify"
#: 责任领导: offered as an item's responsible leader, who approves its extensions.
LEAD = "supervision.lead"

PERMISSIONS = [
    PermissionDef(VIEW, _l("查看督办事项")),
    PermissionDef(ASSIGN, _l("立项交办")),
    PermissionDef(REPORT, _l("反馈进展")),
    PermissionDef(VERIFY, _l("核验办结与评价")),
    PermissionDef(LEAD, _l("担任责任领导（审批延期）")),
]

DEFAULT_ROLES = [
    # The supervisor runs the work but is not a leader: separation of duties.
    RoleDef("supervisor", "督查专员", (VIEW, ASSIGN, REPORT, VERIFY)),
    RoleDef("supervision_leader", "督办责任领导", (VIEW, LEAD)),
    RoleDef("task_owner", "责任人", (VIEW, REPORT)),
]
