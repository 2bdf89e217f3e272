"""The two declared state machines of 组工信息报送: states, moves, guards.

An item, as its own tenant sees it (``reporting_item``)::

    draft|returned ─ send_for_approval ─▶ awaiting_approval
    awaiting_approval ─ send_back (comment) ─▶ draft
    awaiting_approval ─ approve (报送审批; grants the parent) ─▶ submitted
    submitted ─ withdraw (before the parent acts; revokes the grant) ─▶ draft
    submitted ─ returned | declined | adopted (linked: the parent decided) ─▶ …

The item at each receiving level (``reporting_submission``), decided by that level::

    submitted ─ return (comment) ─▶ returned     submitted ─ decline ─▶ declined
    submitted ─ adopt (采用) ─▶ adopted ─ forward (转报; grants the next ancestor) ─▶ forwarded
    submitted ─ withdraw (linked: the item was withdrawn) ─▶ withdrawn
    returned|withdrawn ─ resubmit (linked: the revised item was approved again) ─▶ submitted

A level decides on rows of the submitter's tenant: the deciding tenant is carried into
the owner's scope (:func:`plugins.reporting.levels.acting_as`), and the guards below check
that it is the receiving one. Linked moves record what the other side did; nobody fires
them by hand. The effects are in :mod:`plugins.reporting.moves`, which imports nothing of
this module; incident deadlines in :mod:`plugins.reporting.deadlines`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _

from core.i18n import N_
from core.workflow import Transition, Workflow
from plugins.reporting import moves
from plugins.reporting.levels import (
    acting_tenant_id,
    first_submission,
    in_linked_move,
    reporting_parent,
)
from plugins.reporting.models import ReportItem, Submission
from plugins.reporting.permissions import ADOPT, APPROVE, WRITE

if TYPE_CHECKING:
    from core.auth.users import Actor

ITEM_STATES = {
    "draft": N_("草稿"),
    "awaiting_approval": N_("待审批"),
    "submitted": N_("已报送"),
    "returned": N_("退回修改"),
    "declined": N_("未采用"),
    "adopted": N_("已采用"),
}
SUBMISSION_STATES = {
    "submitted": N_("待处理"),
    "returned": N_("已退回"),
    "declined": N_("未采用"),
    "adopted": N_("已采用"),
    "forwarded": N_("已转报"),
    "withdrawn": N_("已撤回"),
}
#: Things that happen to an item without moving it (audit ``reporting_item.<event>``).
NOTE_TITLES = {
    "edited": N_("修改信息"),
    "instructed": N_("登记领导批示"),
    "in_issue": N_("编入期刊"),
}


# -- Guards -----------------------------------------------------------------------------


def _linked(_obj: Any, _actor: Actor, _data) -> str | None:
    if not in_linked_move():
        return _("此操作随另一方的办理自动完成，不能手动执行")
    return None


def is_linked(transition: Transition) -> bool:
    """Moves that record the other side's action: never offered, never routed."""
    return _linked in transition.guards


def _has_parent(item: ReportItem, _actor: Actor, _data) -> str | None:
    if reporting_parent(item.tenant_id) is None:
        return _("本单位没有启用信息报送的上级单位，无法报送")
    return None


def _parent_has_not_acted(item: ReportItem, _actor: Actor, _data) -> str | None:
    first = first_submission(item)
    if first is None or first.state != "submitted":
        return _("上级已处理该信息，不能撤回")
    return None


def _receiver_decides(submission: Submission, _actor: Actor, _data) -> str | None:
    if acting_tenant_id() != submission.receiver_tenant_id:
        return _("只有接收报送的单位可以处理该信息")
    return None


def _receiver_has_parent(submission: Submission, _actor: Actor, _data) -> str | None:
    if reporting_parent(submission.receiver_tenant_id) is None:
        return _("本单位没有启用信息报送的上级单位，无法转报")
    return None


# -- The declarations -------------------------------------------------------------------

ITEM_FLOW = Workflow(
    moves.ITEM_WORKFLOW,
    states=ITEM_STATES,
    initial="draft",
    transitions=[
        Transition(
            "send_for_approval",
            ("draft", "returned"),
            "awaiting_approval",
            N_("提交审批"),
            permission=WRITE,
        ),
        Transition(
            "send_back",
            ("awaiting_approval",),
            "draft",
            N_("退回修改（本单位）"),
            permission=APPROVE,
            comment_required=True,
        ),
        Transition(
            "approve",
            ("awaiting_approval",),
            "submitted",
            N_("批准报送"),
            permission=APPROVE,
            guards=(_has_parent,),
            effects=(moves.submit,),
        ),
        Transition(
            "withdraw",
            ("submitted",),
            "draft",
            N_("撤回"),
            permission=WRITE,
            guards=(_parent_has_not_acted,),
            effects=(moves.withdraw, moves.next_version),
        ),
        Transition(
            "returned",
            ("submitted",),
            "returned",
            N_("上级退回修改"),
            guards=(_linked,),
            effects=(moves.next_version,),
        ),
        Transition("declined", ("submitted",), "declined", N_("上级未采用"), guards=(_linked,)),
        Transition("adopted", ("submitted",), "adopted", N_("上级采用"), guards=(_linked,)),
    ],
)

SUBMISSION_FLOW = Workflow(
    moves.SUBMISSION_WORKFLOW,
    states=SUBMISSION_STATES,
    initial="submitted",
    transitions=[
        Transition(
            "return",
            ("submitted",),
            "returned",
            N_("退回修改"),
            permission=ADOPT,
            guards=(_receiver_decides,),
            effects=(moves.return_,),
            comment_required=True,
        ),
        Transition(
            "decline",
            ("submitted",),
            "declined",
            N_("不予采用"),
            permission=ADOPT,
            guards=(_receiver_decides,),
            effects=(moves.decline,),
        ),
        Transition(
            "adopt",
            ("submitted",),
            "adopted",
            N_("采用"),
            permission=ADOPT,
            guards=(_receiver_decides,),
            effects=(moves.adopt,),
        ),
        Transition(
            "forward",
            ("adopted",),
            "forwarded",
            N_("转报上级"),
            permission=ADOPT,
            guards=(_receiver_decides, _receiver_has_parent),
            effects=(moves.forward,),
        ),
        Transition("withdraw", ("submitted",), "withdrawn", N_("下级撤回"), guards=(_linked,)),
        Transition(
            "resubmit",
            ("returned", "withdrawn"),
            "submitted",
            N_("重新报送"),
            guards=(_linked,),
        ),
    ],
)
