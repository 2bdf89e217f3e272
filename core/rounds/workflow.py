"""The two state machines of 统计报表上报 (history and audit through core.workflow)."""

from __future__ import annotations

from core.workflow import Transition, Workflow

OPEN = "core.rollup.rounds"
SUBMIT = "core.rollup.submit"

ROUND_FLOW = Workflow(
    "rollup_round",
    states={"open": "征集中", "closed": "已截止"},
    transitions=[
        Transition("close", ("open",), "closed", "结束征集", permission=OPEN),
        Transition("reopen", ("closed",), "open", "重新开放", permission=OPEN),
    ],
    initial="open",
)

# 退回 is the upper level's: it acts on the child's row inside the child's tenant (see
# service.return_submission, which checks the upper level's permission first).
SUBMISSION_FLOW = Workflow(
    "rollup_submission",
    states={"draft": "待上报", "submitted": "已上报", "returned": "已退回"},
    transitions=[
        Transition("submit", ("draft", "returned"), "submitted", "上报", permission=SUBMIT),
        Transition("return", ("submitted",), "returned", "退回", comment_required=True),
    ],
    initial="draft",
)
