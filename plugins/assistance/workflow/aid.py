"""Relief grants (无偿救济) and revolving loans (有偿扶助)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _

from core import clock
from core.i18n import N_
from core.money import yuan
from core.workflow import Transition, Workflow
from plugins.assistance.models import Grant, Loan
from plugins.assistance.permissions import APPROVE, APPROVE_MAJOR, PAY, REGISTER
from plugins.assistance.queries import records
from plugins.assistance.queries.records import ON_REGISTER, settings
from plugins.assistance.services import moves

if TYPE_CHECKING:
    from core.auth.users import Actor


# -- Relief grants ------------------------------------------------------------------------

GRANT_STATES = {
    "applied": N_("已申请"),
    "reviewed": N_("已审核"),
    "approved": N_("已审批"),
    "paid": N_("已发放"),
    "receipted": N_("已签收"),
    "rejected": N_("未批准"),
}


def _within_limit(grant: Grant, actor: Actor, _data) -> str | None:
    limit = settings()["grant_approval_limit_fen"]
    if grant.amount_fen > limit and not actor.can(APPROVE_MAJOR):
        return _(
            "金额 %(amount)s 元超过您的审批限额 %(limit)s 元，须部务会审批",
            amount=yuan(grant.amount_fen),
            limit=yuan(limit),
        )
    return None


def _record_on_register(obj: Grant | Loan, _actor: Actor, _data) -> str | None:
    record = records.find_record(obj.record_id)
    if record is None or record.state not in ON_REGISTER:
        return _("该党员不在困难党员台账内")
    return None


def _signer(grant: Grant, _actor: Actor, data: Mapping[str, Any]) -> str | None:
    if not (data.get("signed_by") or "").strip():
        return _("须填写签收人")
    return None


GRANT_FLOW = Workflow(
    "assistance_grant",
    states=GRANT_STATES,
    initial="applied",
    transitions=[
        Transition(
            "review",
            ("applied",),
            "reviewed",
            N_("审核"),
            permission=REGISTER,
            guards=(_record_on_register,),
        ),
        Transition(
            "approve",
            ("reviewed",),
            "approved",
            N_("审批"),
            permission=APPROVE,
            guards=(_within_limit,),
            effects=(moves.approve_grant,),
        ),
        Transition(
            "pay", ("approved",), "paid", N_("发放"), permission=PAY, effects=(moves.pay_grant,)
        ),
        Transition(
            "sign_receipt",
            ("paid",),
            "receipted",
            N_("签收"),
            permission=REGISTER,
            guards=(_signer,),
            effects=(moves.sign,),
        ),
        Transition(
            "reject",
            ("applied", "reviewed"),
            "rejected",
            N_("不予批准"),
            permission=APPROVE,
            comment_required=True,
        ),
    ],
)


# -- Revolving loans ----------------------------------------------------------------------

LOAN_STATES = {
    "applied": N_("已申请"),
    "assessed": N_("已实地考察"),
    "approved": N_("已审批"),
    "disbursed": N_("还款中"),
    "repaid": N_("已还清"),
    "written_off": N_("已核销"),
    "rejected": N_("未批准"),
}


def _assessment_given(loan: Loan, _actor: Actor, data: Mapping[str, Any]) -> str | None:
    if not (data.get("assessment") or "").strip():
        return _("须填写实地考察意见")
    return None


def _within_quota(loan: Loan, _actor: Actor, _data) -> str | None:
    year = clock.today().year
    quota = settings()["annual_borrower_quota"]
    if (
        not records.has_loan_in_year(loan.record_id, year)
        and records.borrowers_in_year(year) >= quota
    ):
        return _("本年度借款户数已达上限 %(quota)s 户", quota=quota)
    return None


def _fully_repaid(loan: Loan, _actor: Actor, _data) -> str | None:
    if loan.outstanding_fen:
        return _("尚有 %(amount)s 元未还", amount=yuan(loan.outstanding_fen))
    return None


def _something_outstanding(loan: Loan, _actor: Actor, _data) -> str | None:
    if loan.outstanding_fen <= 0:
        return _("借款已还清，无需核销")
    return None


LOAN_FLOW = Workflow(
    "assistance_loan",
    states=LOAN_STATES,
    initial="applied",
    transitions=[
        Transition(
            "assess",
            ("applied",),
            "assessed",
            N_("实地考察"),
            permission=REGISTER,
            guards=(_record_on_register, _assessment_given),
            effects=(moves.assess,),
        ),
        Transition(
            "approve",
            ("assessed",),
            "approved",
            N_("审批"),
            permission=APPROVE,
            guards=(_within_quota,),
            effects=(moves.approve_loan,),
        ),
        Transition(
            "disburse",
            ("approved",),
            "disbursed",
            N_("放款"),
            permission=PAY,
            effects=(moves.disburse,),
        ),
        Transition(
            "settle",
            ("disbursed",),
            "repaid",
            N_("还清"),
            permission=PAY,
            guards=(_fully_repaid,),
        ),
        Transition(
            "write_off",
            ("disbursed",),
            "written_off",
            N_("核销"),
            permission=APPROVE_MAJOR,
            comment_required=True,
            guards=(_something_outstanding,),
            effects=(moves.write_off,),
        ),
        Transition(
            "reject",
            ("applied", "assessed"),
            "rejected",
            N_("不予批准"),
            permission=APPROVE,
            comment_required=True,
        ),
    ],
)
