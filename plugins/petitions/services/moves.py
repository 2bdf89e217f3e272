"""What the workflow's moves do besides changing the state (the effects named in
:data:`plugins.petitions.workflow.PETITION_FLOW`): dates, outcomes and answers set on the
petition. They import nothing of the workflow, so it can import them; what a move does
in the other tenant of a linked pair goes through :data:`ACROSS_TENANTS`, which
:mod:`plugins.petitions.services.crosstenant` fills (it fires the workflow itself)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from core import clock
from core.calendar import period_end
from plugins.petitions.models import Petition
from plugins.petitions.queries.deadlines import close_due, set_due, settings_of

if TYPE_CHECKING:
    from core.auth.users import Actor

#: 复查 and 复核: asked for within 30 days of the answer, answered within 30 days.
REVIEW_REQUEST_DAYS = 30
REVIEW_ANSWER_DAYS = 30


def decided(petition: Petition, _actor: Actor, _data) -> None:
    petition.decided_on = clock.today()


def accept(petition: Petition, _actor: Actor, _data) -> None:
    petition.accepted_on = petition.decided_on = clock.today()
    set_due(petition, "close_due", close_due(petition, settings_of(petition)))


def not_accept(petition: Petition, _actor: Actor, data: Mapping[str, Any]) -> None:
    petition.not_accepted_reason = data["reason"]


def send_on(petition: Petition, _actor: Actor, data: Mapping[str, Any]) -> None:
    petition.target_name = data["target_name"].strip()
    petition.target_tenant_id = data.get("target_tenant_id")
    petition.report_back_due = data.get("report_back_due")


def assign_handler(petition: Petition, _actor: Actor, data: Mapping[str, Any]) -> None:
    petition.handler_user_id = data["handler_user_id"]
    petition.handler_unit_id = data.get("handler_unit_id")


def extend(petition: Petition, _actor: Actor, data: Mapping[str, Any]) -> None:
    petition.extended_days = data["days"]
    petition.extension_reason = data.get("reason")
    petition.extended_on = clock.today()
    set_due(petition, "close_due", close_due(petition, settings_of(petition)))


def draft(petition: Petition, _actor: Actor, data: Mapping[str, Any]) -> None:
    petition.outcome = data["outcome"]
    petition.outcome_basis = data["basis"].strip()


def approve(petition: Petition, actor: Actor, _data) -> None:
    petition.approved_by = actor.user_id


def close(petition: Petition, _actor: Actor, data: Mapping[str, Any]) -> None:
    petition.reply_text = data["reply_text"].strip()
    petition.replied_on = clock.today()


def rate(petition: Petition, _actor: Actor, data: Mapping[str, Any]) -> None:
    petition.satisfaction = data["satisfaction"]


def request_review(petition: Petition, _actor: Actor, _data) -> None:
    petition.review_requested_on = clock.today()
    set_due(petition, "review_due", period_end(clock.today(), REVIEW_ANSWER_DAYS, "natural_days"))


def answer_review(petition: Petition, _actor: Actor, _data) -> None:
    petition.reviewed_on = clock.today()


def request_rereview(petition: Petition, _actor: Actor, _data) -> None:
    petition.rereview_requested_on = clock.today()
    set_due(petition, "rereview_due", period_end(clock.today(), REVIEW_ANSWER_DAYS, "natural_days"))


def answer_rereview(petition: Petition, _actor: Actor, _data) -> None:
    petition.rereviewed_on = clock.today()


#: What a move does in the other tenant of a linked pair (report back, return, answer):
#: :mod:`plugins.petitions.services.crosstenant` registers these. The declaration names them and
#: never imports that code, which imports this module for the moves it carries over.
ACROSS_TENANTS: dict[str, Callable[[Petition, Actor], None]] = {}


def _across(name: str, petition: Petition, actor: Actor) -> None:
    if name not in ACROSS_TENANTS:
        raise LookupError(f"petitions: no cross-tenant effect {name!r} registered")
    ACROSS_TENANTS[name](petition, actor)


def report_back_to_assigner(petition: Petition, actor: Actor, _data) -> None:
    _across("report_back", petition, actor)


def tell_source_returned(petition: Petition, actor: Actor, _data) -> None:
    _across("returned", petition, actor)


def record_report(petition: Petition, _actor: Actor, data: Mapping[str, Any]) -> None:
    petition.reported_back_on = clock.today()
    petition.report_outcome = data.get("outcome")
    petition.report_text = data.get("reply_text")


def came_back(petition: Petition, _actor: Actor, _data) -> None:
    petition.target_petition_id = None
    petition.report_back_due = None


def open_case(petition: Petition, _actor: Actor, _data) -> None:
    """A 复查/复核 case runs against its 30-day answer period only: the 15-day acceptance
    and 5-day return periods its registration set do not apply to it (issue 12)."""
    set_due(petition, "review_due", period_end(clock.today(), REVIEW_ANSWER_DAYS, "natural_days"))
    set_due(petition, "accept_due", None)
    set_due(petition, "return_due", None)


def answer_case(petition: Petition, actor: Actor, data: Mapping[str, Any]) -> None:
    petition.reviewed_on = petition.replied_on = clock.today()
    petition.reply_text = (data.get("answer") or "").strip() or None
    _across("answered", petition, actor)


def review_answered(petition: Petition, _actor: Actor, data: Mapping[str, Any]) -> None:
    petition.reviewed_on = clock.today()
    petition.review_answer = data.get("answer")
    petition.review_case_id = None


def rereview_answered(petition: Petition, _actor: Actor, data: Mapping[str, Any]) -> None:
    petition.rereviewed_on = clock.today()
    petition.rereview_answer = data.get("answer")
    petition.review_case_id = None
