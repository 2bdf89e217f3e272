"""The states of a petition, with their titles."""

from __future__ import annotations

from core.i18n import N_

STATES = {
    "registered": N_("已登记"),
    "screening": N_("审查中"),
    "accepted": N_("已受理"),
    "not_accepted": N_("不予受理"),
    "forwarded": N_("已转送"),
    "assigned": N_("已交办"),
    "filed": N_("存查"),
    "returned": N_("已退回"),
    "in_handling": N_("办理中"),
    "draft_outcome": N_("拟办意见待审批"),
    "approved": N_("已审批"),
    "closed": N_("已办结"),
    "rated": N_("已评价"),
    "review_requested": N_("复查中"),
    "reviewed": N_("已复查"),
    "rereview_requested": N_("复核中"),
    "final": N_("已终结"),
    "reported_back": N_("已报结"),
    "case_open": N_("复查复核办理中"),
    "case_answered": N_("复查复核已答复"),
}
UNDECIDED = ("registered", "screening")
