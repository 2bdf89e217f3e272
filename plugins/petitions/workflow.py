"""The petition lifecycle (信访工作条例 2022) declared with :mod:`core.workflow`.

    registered ─ screen ─▶ screening
    registered|screening ─▶ accepted | not_accepted | forwarded | assigned | filed | returned
    accepted ─ assign_handler ─▶ in_handling ─ extend (once, ≤ 30 days) ─▶ in_handling
    in_handling ─ draft ─▶ draft_outcome ─ approve ─▶ approved ─ close ─▶ closed
    draft_outcome ─ reject_draft ─▶ in_handling
    closed ─ rate ─▶ rated
    closed|rated ─ request_review ─▶ review_requested ─ answer_review ─▶ reviewed
    reviewed ─ request_rereview ─▶ rereview_requested ─ answer_rereview ─▶ final
    closed|rated|reviewed ─ finalize (the window passed) ─▶ final

Moves across tenants (:mod:`plugins.petitions.services.crosstenant`) — the "linked" ones are
fired only by the other body's action, never by hand:

    assigned ─ report_back (linked: the lower unit closed its copy) ─▶ reported_back
    reported_back ─ accept_report ─▶ final
    forwarded|assigned ─ came_back (linked: the receiver sent its copy back) ─▶ screening
    registered ─ open_case (linked: a 复查/复核 case arrived from below) ─▶ case_open
    case_open ─ answer_case ─▶ case_answered (the answer flows back down)
    review_requested ─ review_answered (linked) ─▶ reviewed
    rereview_requested ─ rereview_answered (linked) ─▶ final

Deadlines come from the tenant's resolved ``petitions`` settings: acceptance within
``accept_days`` natural days of receipt, closure within ``close_days`` of acceptance
(a Party member's appeal: ``appeal_months``), plus at most one extension, sending back
a forwarded item within ``return_working_days`` working days, and 30 days for asking
for 复查/复核 and for answering it. Natural-day periods ending on a rest day end on the
next working day (:func:`core.calendar.add_natural_days`); they are computed in
:mod:`plugins.petitions.queries.deadlines`. The effects are in
:mod:`plugins.petitions.services.moves`, which imports nothing of this module.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from sqlalchemy import select

from core import clock
from core.calendar import period_end
from core.db import db
from core.i18n import N_
from core.workflow import Transition, Workflow
from plugins.petitions.models import (
    NOT_ACCEPTED_REASONS,
    SATISFACTIONS,
    Petition,
    PetitionConflict,
    ReportedPerson,
    outcomes_for,
)
from plugins.petitions.permissions import APPROVE, HANDLE, REGISTER
from plugins.petitions.queries.deadlines import settings_of
from plugins.petitions.services import extensions, moves
from plugins.petitions.services.finality import not_a_final_matter

if TYPE_CHECKING:
    from core.auth.users import Actor


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


# -- Guards -------------------------------------------------------------------------------


def _reason_code(petition: Petition, _actor: Actor, data: Mapping[str, Any]) -> str | None:
    if data.get("reason") not in NOT_ACCEPTED_REASONS:
        return _("须选择不予受理的理由")
    return None


def _target_named(petition: Petition, _actor: Actor, data: Mapping[str, Any]) -> str | None:
    if not (data.get("target_name") or "").strip():
        return _("须填写接收单位")
    return None


def _report_back_due(petition: Petition, _actor: Actor, data: Mapping[str, Any]) -> str | None:
    due = data.get("report_back_due")
    if not isinstance(due, date) or due <= clock.today():
        return _("须填写晚于今天的报结期限")
    return None


def _came_from_another_body(petition: Petition, _actor: Actor, _data) -> str | None:
    if petition.source_tenant_id is None:
        return _("只有转送、交办来的信访件才能退回")
    return None


def _within_return_window(petition: Petition, _actor: Actor, _data) -> str | None:
    if petition.return_due is not None and clock.today() > petition.return_due:
        return _(
            "收到后超过 %(days)s 个工作日，不能退回",
            days=settings_of(petition)["return_working_days"],
        )
    return None


def _no_conflict(petition: Petition, _actor: Actor, data: Mapping[str, Any]) -> str | None:
    """回避 (Art. 28): not the person reported on, nor one who declared a conflict."""
    user_id = data.get("handler_user_id")
    if not user_id:
        return _("须指定承办人")
    reported = db.session.scalar(
        select(ReportedPerson.id).where(
            ReportedPerson.petition_id == petition.id, ReportedPerson.user_id == user_id
        )
    )
    if reported:
        return _("承办人是被反映人，应当回避")
    declared = db.session.scalar(
        select(PetitionConflict.id).where(
            PetitionConflict.petition_id == petition.id, PetitionConflict.user_id == user_id
        )
    )
    if declared:
        return _("承办人已声明回避此件")
    return None


def _extension_allowed(petition: Petition, _actor: Actor, data: Mapping[str, Any]) -> str | None:
    if petition.extended_days:
        return _("已延期过一次，不能再次延期")
    limit = settings_of(petition)["extension_max_days"]
    days = data.get("days")
    if not isinstance(days, int) or isinstance(days, bool) or days < 1:
        return _("须填写延期天数")
    if days > limit:
        return _("延期天数不能超过 %(days)s 日", days=limit)
    if petition.close_due is not None and clock.today() > petition.close_due:
        return _("办理期限已过，不能再延期")
    return None


def _outcome_fits(petition: Petition, _actor: Actor, data: Mapping[str, Any]) -> str | None:
    if data.get("outcome") not in outcomes_for(petition.kind):
        return _("处理意见不适用于此类信访件")
    if not (data.get("basis") or "").strip():
        return _("须写明事实和依据")
    return None


def _reply_given(petition: Petition, _actor: Actor, data: Mapping[str, Any]) -> str | None:
    if not (data.get("reply_text") or "").strip():
        return _("须填写书面答复意见")
    return None


def _satisfaction_known(petition: Petition, _actor: Actor, data: Mapping[str, Any]) -> str | None:
    if data.get("satisfaction") not in SATISFACTIONS:
        return _("须选择满意度")
    return None


def request_window_end(answered: date) -> date:
    """The last day to request 复查/复核: 30 days after the answer, the period-end rule
    applying (a window ending on a holiday runs to the next working day)."""
    return period_end(answered, moves.REVIEW_REQUEST_DAYS, "natural_days").date


def _review_window_open(petition: Petition, _actor: Actor, _data) -> str | None:
    assert petition.replied_on is not None
    if clock.today() > request_window_end(petition.replied_on):
        return _("答复后超过 30 日，不能申请复查")
    return None


def _rereview_window_open(petition: Petition, _actor: Actor, _data) -> str | None:
    assert petition.reviewed_on is not None
    if clock.today() > request_window_end(petition.reviewed_on):
        return _("复查意见作出后超过 30 日，不能申请复核")
    return None


def _window_passed(petition: Petition, _actor: Actor, _data) -> str | None:
    answered = petition.reviewed_on if petition.state == "reviewed" else petition.replied_on
    if answered and clock.today() <= request_window_end(answered):
        return _("申请复查、复核的期限未满，不能终结")
    return None


#: Set while :mod:`plugins.petitions.services.crosstenant` carries another body's action over.
_LINKED: ContextVar[bool] = ContextVar("petition_linked_move", default=False)


@contextmanager
def linked_move() -> Iterator[None]:
    """Allow the linked transitions (report_back, came_back, open_case, *_answered):
    they record what another tenant did, so nobody may fire them by hand."""
    token = _LINKED.set(True)
    try:
        yield
    finally:
        _LINKED.reset(token)


def _linked(petition: Petition, _actor: Actor, _data) -> str | None:
    if not _LINKED.get():
        return _("此操作随关联单位的办理自动完成，不能手动执行")
    return None


def is_linked(transition: Transition) -> bool:
    """Moves that record another tenant's action: never offered, never routed."""
    return _linked in transition.guards


def _answered_here(petition: Petition, _actor: Actor, _data) -> str | None:
    """A 复查/复核 sent to an upper body on this platform is answered there."""
    if petition.review_case_id is not None:
        return _("复查、复核已提交上级机关办理，答复将自动回传")
    return None


PETITION_FLOW = Workflow(
    "petition",
    states=STATES,
    initial="registered",
    transitions=[
        Transition("screen", ("registered",), "screening", N_("审查"), permission=REGISTER),
        Transition(
            "accept",
            UNDECIDED,
            "accepted",
            N_("受理"),
            permission=REGISTER,
            guards=(not_a_final_matter,),
            effects=(moves.accept,),
        ),
        Transition(
            "not_accept",
            UNDECIDED,
            "not_accepted",
            N_("不予受理"),
            permission=REGISTER,
            guards=(_reason_code,),
            effects=(moves.decided, moves.not_accept),
        ),
        Transition(
            "forward",
            UNDECIDED,
            "forwarded",
            N_("转送"),
            permission=REGISTER,
            guards=(_target_named,),
            effects=(moves.decided, moves.send_on),
        ),
        Transition(
            "assign",
            UNDECIDED,
            "assigned",
            N_("交办"),
            permission=APPROVE,
            guards=(_target_named, _report_back_due),
            effects=(moves.decided, moves.send_on),
        ),
        Transition(
            "file",
            UNDECIDED,
            "filed",
            N_("存查"),
            permission=REGISTER,
            comment_required=True,
            effects=(moves.decided,),
        ),
        Transition(
            "send_back",
            UNDECIDED,
            "returned",
            N_("退回"),
            permission=REGISTER,
            comment_required=True,
            guards=(_came_from_another_body, _within_return_window),
            effects=(moves.decided, moves.tell_source_returned),
        ),
        Transition(
            "assign_handler",
            ("accepted", "in_handling"),
            "in_handling",
            N_("指定承办人"),
            permission=HANDLE,
            guards=(_no_conflict,),
            effects=(moves.assign_handler,),
        ),
        Transition(
            "extend",
            ("in_handling",),
            "in_handling",
            N_("延期"),
            permission=APPROVE,
            comment_required=True,
            guards=(_extension_allowed,),
            effects=(moves.extend, extensions.clear),
        ),
        Transition(
            "request_extension",
            ("in_handling",),
            "in_handling",
            N_("申请延期"),
            permission=HANDLE,
            guards=(extensions.no_pending_request, _extension_allowed, extensions.has_reason),
            effects=(extensions.request,),
        ),
        Transition(
            "refuse_extension",
            ("in_handling",),
            "in_handling",
            N_("不同意延期"),
            permission=APPROVE,
            comment_required=True,
            guards=(extensions.pending_request,),
            effects=(extensions.clear,),
        ),
        Transition(
            "draft",
            ("in_handling",),
            "draft_outcome",
            N_("拟定处理意见"),
            permission=HANDLE,
            guards=(_outcome_fits,),
            effects=(moves.draft,),
        ),
        Transition(
            "reject_draft",
            ("draft_outcome",),
            "in_handling",
            N_("退回修改"),
            permission=APPROVE,
            comment_required=True,
        ),
        Transition(
            "approve",
            ("draft_outcome",),
            "approved",
            N_("审批"),
            permission=APPROVE,
            effects=(moves.approve,),
        ),
        Transition(
            "close",
            ("approved",),
            "closed",
            N_("办结答复"),
            permission=HANDLE,
            guards=(_reply_given,),
            effects=(moves.close, moves.report_back_to_assigner),
        ),
        Transition(
            "rate",
            ("closed",),
            "rated",
            N_("记录满意度"),
            permission=HANDLE,
            guards=(_satisfaction_known,),
            effects=(moves.rate,),
        ),
        Transition(
            "request_review",
            ("closed", "rated"),
            "review_requested",
            N_("申请复查"),
            permission=REGISTER,
            guards=(_review_window_open,),
            effects=(moves.request_review,),
        ),
        Transition(
            "answer_review",
            ("review_requested",),
            "reviewed",
            N_("复查答复"),
            permission=APPROVE,
            comment_required=True,
            guards=(_answered_here,),
            effects=(moves.answer_review,),
        ),
        Transition(
            "request_rereview",
            ("reviewed",),
            "rereview_requested",
            N_("申请复核"),
            permission=REGISTER,
            guards=(_rereview_window_open,),
            effects=(moves.request_rereview,),
        ),
        Transition(
            "answer_rereview",
            ("rereview_requested",),
            "final",
            N_("复核答复"),
            permission=APPROVE,
            comment_required=True,
            guards=(_answered_here,),
            effects=(moves.answer_rereview,),
        ),
        Transition(
            "finalize",
            ("closed", "rated", "reviewed"),
            "final",
            N_("终结"),
            permission=APPROVE,
            guards=(_window_passed,),
        ),
        # -- Across tenants (plugins.petitions.services.crosstenant) --------------------------------
        Transition(
            "report_back",
            ("assigned",),
            "reported_back",
            N_("下级报结"),
            guards=(_linked,),
            effects=(moves.record_report,),
        ),
        Transition(
            "accept_report",
            ("reported_back",),
            "final",
            N_("审核报结"),
            permission=APPROVE,
        ),
        Transition(
            "came_back",
            ("forwarded", "assigned"),
            "screening",
            N_("被退回"),
            guards=(_linked,),
            effects=(moves.came_back,),
        ),
        Transition(
            "open_case",
            ("registered",),
            "case_open",
            N_("受理复查复核申请"),
            guards=(_linked,),
            effects=(moves.open_case,),
        ),
        Transition(
            "answer_case",
            ("case_open",),
            "case_answered",
            N_("作出复查复核意见"),
            permission=APPROVE,
            comment_required=True,
            effects=(moves.answer_case,),
        ),
        Transition(
            "review_answered",
            ("review_requested",),
            "reviewed",
            N_("上级复查答复"),
            guards=(_linked,),
            effects=(moves.review_answered,),
        ),
        Transition(
            "rereview_answered",
            ("rereview_requested",),
            "final",
            N_("上级复核答复"),
            guards=(_linked,),
            effects=(moves.rereview_answered,),
        ),
    ],
)
