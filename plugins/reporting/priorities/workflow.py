"""A priority's two moves: 停用 (retire: no longer offered) and 启用 (offer it again).
Its edits are notes on the same history (``reporting_priority.edited``)."""

from __future__ import annotations

from core.i18n import N_
from core.workflow import Transition, Workflow
from plugins.reporting.permissions import ADOPT

PRIORITY_STATES = {"active": N_("在用"), "retired": N_("已停用")}
#: What the history shows for the rows that are not moves (audit ``reporting_priority.*``).
PRIORITY_EVENTS = {"create": N_("新增信息要点"), "edited": N_("修改信息要点")}

PRIORITY_FLOW = Workflow(
    "reporting_priority",
    states=PRIORITY_STATES,
    initial="active",
    transitions=[
        Transition("retire", ("active",), "retired", N_("停用"), permission=ADOPT),
        Transition("restore", ("retired",), "active", N_("重新启用"), permission=ADOPT),
    ],
)
