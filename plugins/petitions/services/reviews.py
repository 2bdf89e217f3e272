"""复查 and 复核 across tenants: the petitioner asks the upper body to review the answer
(复查, by the parent of the body that answered) and then to review the review (复核, by
the parent of the body that answered the 复查). The request opens a linked case in the
upper tenant, copied through :mod:`plugins.petitions.services.crosstenant`; the case's
answer flows back to the original petition (``review_answered``/``rereview_answered``).
Nothing here commits."""

from __future__ import annotations

from flask_babel import gettext as _

from core import clock
from core.auth.users import Actor
from core.db import db
from core.tenancy.models import Tenant
from core.workflow import IllegalTransition, TransitionForbidden
from plugins.petitions.models import Petition
from plugins.petitions.permissions import VIEW_IDENTITY
from plugins.petitions.services.crosstenant import (
    copy_into,
    handles_petitions,
    into,
    last_comment,
)
from plugins.petitions.services.moves import ACROSS_TENANTS
from plugins.petitions.workflow import PETITION_FLOW, linked_move


def reviewing_body(petition: Petition) -> tuple[str, Tenant | None]:
    """``("review"|"rereview", the upper tenant that answers it or None)`` for a request
    made now: 复查 by the parent of the body that answered, 复核 by the parent of the
    body that answered the 复查."""
    if petition.state == "reviewed":
        answered_by = db.session.get(
            Tenant, petition.review_tenant_id or _parent_id(petition.tenant_id)
        )
        level = "rereview"
    else:
        answered_by = db.session.get(Tenant, petition.tenant_id)
        level = "review"
    upper = answered_by.parent if answered_by is not None else None
    return level, upper if handles_petitions(upper) else None


def _parent_id(tenant_id: int) -> int | None:
    tenant = db.session.get(Tenant, tenant_id)
    return tenant.parent_id if tenant else None


def _case_details(petition: Petition, level: str, comment: str | None) -> str:
    """What the upper body reads: the matter, the answer given (and the 复查 answer
    for a 复核), and the petitioner's reasons."""
    parts = [petition.details or "", _("【原处理意见】") + (petition.reply_text or "")]
    if level == "rereview":
        parts.append(_("【复查意见】") + (petition.review_answer or ""))
    if comment:
        parts.append(_("【申请理由】") + comment)
    return "\n".join(p for p in parts if p)


def request_review(
    petition: Petition, actor: Actor, *, comment: str | None = None, include_identity: bool = False
) -> Petition:
    """The petitioner asks for 复查 (closed or rated petition) or 复核 (reviewed one):
    a case opens in the upper body, which answers within 30 days; the answer flows
    back. Returns the case. The caller commits."""
    if petition.state not in ("closed", "rated", "reviewed"):
        raise IllegalTransition(
            _(
                "当前状态为「%(state)s」，不能申请复查或复核",
                state=PETITION_FLOW.state_title(petition.state),
            )
        )
    if include_identity and not actor.can(VIEW_IDENTITY):
        raise TransitionForbidden(_("您没有查看检举人身份的权限，不能随件报送信访人信息"))
    level, upper = reviewing_body(petition)
    if upper is None:
        raise IllegalTransition(
            _(
                "上级机关未在本平台办理信访，请线下报送，并在收到答复后录入「复查答复」或「复核答复」"
            )
        )
    move = "request_review" if level == "review" else "request_rereview"
    PETITION_FLOW.fire(petition, move, actor, comment=comment, data={"review_tenant_id": upper.id})
    case = copy_into(
        petition,
        upper,
        actor,
        channel="review_request",
        include_identity=include_identity,
        reason=f"petitions: {level} request (复查/复核)",
        details=_case_details(petition, level, comment),
        then=lambda case: _open_case(case, level, actor),
    )
    petition.review_tenant_id = upper.id
    petition.review_case_id = case.id
    return case


def _open_case(case: Petition, level: str, actor: Actor) -> None:
    case.case_type = level
    with linked_move():
        PETITION_FLOW.fire(case, "open_case", actor)


def answer_case(case: Petition, actor: Actor, answer: str) -> None:
    """The upper body answers a 复查/复核 case; the answer flows back down. The caller
    commits."""
    PETITION_FLOW.fire(case, "answer_case", actor, comment=answer, data={"answer": answer})


def answer_to_source(case: Petition, actor: Actor) -> None:
    """Effect of ``answer_case``: the original petition records the upper body's answer
    (``reviewed`` after a 复查, ``final`` after a 复核)."""
    if case.case_type not in ("review", "rereview") or case.source_tenant_id is None:
        return
    _mark_if_late(case, actor)
    if case.reply_text is None:
        case.reply_text = last_comment(case)
    data = {"answer": case.reply_text, "from_tenant_id": case.tenant_id, "case_id": case.id}
    move = "review_answered" if case.case_type == "review" else "rereview_answered"
    waiting = "review_requested" if case.case_type == "review" else "rereview_requested"
    with into(case.source_tenant_id, "petitions: review answered (复查/复核答复)"):
        original = db.session.get(Petition, case.source_petition_id)
        if (
            original is not None
            and original.state == waiting
            and original.review_tenant_id == case.tenant_id
            and original.review_case_id == case.id
        ):
            with linked_move():
                PETITION_FLOW.fire(original, move, actor, comment=case.reply_text, data=data)


def _mark_if_late(case: Petition, actor: Actor) -> None:
    """An answer after the 30-day period is still sent down, but marked: a history row
    and an audit entry ``petition.answered_late`` with the due date and days late."""
    today = clock.today()
    if case.review_due is None or today <= case.review_due:
        return
    PETITION_FLOW.note(
        case,
        "answered_late",
        actor,
        comment=_("超过答复期限作出复查复核意见"),
        data={"due": case.review_due.isoformat(), "days_late": (today - case.review_due).days},
    )


ACROSS_TENANTS.update(answered=answer_to_source)
