"""The assistance lifecycles declared with :mod:`core.workflow`.

Identification and dynamic management of a hardship record (困难党员认定)::

    applied ─ branch_review ─▶ branch_reviewed ─ publish_notice ─▶ in_notice
    in_notice ─ close_notice (period over, no objection open or upheld) ─▶ noticed
    noticed ─ approve (党委审批) ─▶ approved ─ file (备案) ─▶ registered
    applied|branch_reviewed|in_notice|noticed ─ reject ─▶ rejected
    registered ─ open_review (the annual job) ─▶ under_review
    under_review ─ keep | change_level ─▶ registered;  under_review|registered ─ exit ─▶ exited

Relief grant (无偿救济)::

    applied ─ review ─▶ reviewed ─ approve (amount limit) ─▶ approved ─ pay ─▶ paid
    paid ─ sign_receipt ─▶ receipted;  applied|reviewed ─ reject ─▶ rejected

Revolving loan (有偿扶助)::

    applied ─ assess (实地考察) ─▶ assessed ─ approve (annual quota) ─▶ approved
    approved ─ disburse ─▶ disbursed ─ settle (repaid in full) ─▶ repaid
    disbursed ─ write_off (with approval) ─▶ written_off;  applied|assessed ─ reject ─▶ rejected

Visit campaign (走访慰问): draft ─ approve ─▶ approved ─ close ─▶ closed.

Guards are here; the effects are in :mod:`plugins.assistance.services.moves`, which
imports nothing of this module. Money moves only in effects that post to the fund
(:mod:`plugins.assistance.services.fund`) with the approval the transition created; a
refused posting raises, and the request's single transaction leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _

from core import clock
from core.attachments.kinds import AttachmentKind, declare
from core.db import db
from core.i18n import N_
from core.money import yuan
from core.tenancy.models import Tenant
from core.workflow import Transition, Workflow
from plugins.assistance.models import LEVELS, Campaign, Grant, HardshipRecord, Loan
from plugins.assistance.permissions import APPROVE, APPROVE_MAJOR, PAY, REGISTER, VIEW
from plugins.assistance.queries import records
from plugins.assistance.queries.records import ON_REGISTER, required_documents, settings
from plugins.assistance.services import moves

if TYPE_CHECKING:
    from core.auth.users import Actor


#: Proofs of hardship (申请书, 收入证明, 病历…): sensitive, so every download is audited.
RECORD_FILES = declare(
    AttachmentKind("assistance.record", "assistance", VIEW, audit_downloads=True, max_files=30)
)


# -- Identification -----------------------------------------------------------------------

RECORD_STATES = {
    "applied": N_("已申请"),
    "branch_reviewed": N_("支部大会已初审"),
    "in_notice": N_("公示中"),
    "noticed": N_("公示期满"),
    "approved": N_("党委已审批"),
    "registered": N_("在册"),
    "under_review": N_("年度复核中"),
    "exited": N_("已脱困"),
    "rejected": N_("未通过认定"),
}


def _documents_complete(record: HardshipRecord, _actor: Actor, _data) -> str | None:
    missing = [d for d in required_documents() if d not in (record.documents or [])]
    if missing:
        return _("缺少认定材料：%(docs)s", docs="、".join(missing))
    return None


def _notice_over(record: HardshipRecord, _actor: Actor, _data) -> str | None:
    if record.notice_ends_on is None or clock.today() <= record.notice_ends_on:
        return _("公示期至 %(day)s 结束，期满后才能结束公示", day=record.notice_ends_on)
    if records.open_or_upheld_objections(record):
        return _("公示期间有未处理或成立的异议，不能结束公示")
    return None


def _filed_with(record: HardshipRecord, _actor: Actor, data: Mapping[str, Any]) -> str | None:
    tenant = db.session.get(Tenant, record.tenant_id)
    if not (data.get("filed_with_name") or "").strip() and tenant.parent_id is None:
        return _("须填写备案的组织部门")
    return None


def _new_level(record: HardshipRecord, _actor: Actor, data: Mapping[str, Any]) -> str | None:
    if data.get("level") not in LEVELS:
        return _("须选择困难程度")
    if data.get("level") == record.level:
        return _("困难程度未变化，请选择「维持」")
    return None


PRE_REGISTER = ("applied", "branch_reviewed", "in_notice", "noticed")

RECORD_FLOW = Workflow(
    "assistance_record",
    states=RECORD_STATES,
    initial="applied",
    transitions=[
        Transition(
            "branch_review",
            ("applied",),
            "branch_reviewed",
            N_("支部大会初审"),
            permission=REGISTER,
            guards=(_documents_complete,),
        ),
        Transition(
            "publish_notice",
            ("branch_reviewed",),
            "in_notice",
            N_("张榜公示"),
            permission=REGISTER,
            effects=(moves.publish,),
        ),
        Transition(
            "close_notice",
            ("in_notice",),
            "noticed",
            N_("公示期满"),
            permission=REGISTER,
            guards=(_notice_over,),
        ),
        Transition(
            "approve",
            ("noticed",),
            "approved",
            N_("党委审批"),
            permission=APPROVE,
            effects=(moves.approved,),
        ),
        Transition(
            "file",
            ("approved",),
            "registered",
            N_("报组织部备案"),
            permission=REGISTER,
            guards=(_filed_with,),
            effects=(moves.file,),
        ),
        Transition(
            "reject",
            PRE_REGISTER,
            "rejected",
            N_("不予认定"),
            permission=APPROVE,
            comment_required=True,
        ),
        Transition(
            "open_review", ("registered",), "under_review", N_("启动年度复核"), permission=REGISTER
        ),
        Transition(
            "keep",
            ("under_review",),
            "registered",
            N_("维持困难程度"),
            permission=APPROVE,
            effects=(moves.reviewed,),
        ),
        Transition(
            "change_level",
            ("under_review",),
            "registered",
            N_("调整困难程度"),
            permission=APPROVE,
            comment_required=True,
            guards=(_new_level,),
            effects=(moves.reviewed,),
        ),
        Transition(
            "exit",
            ON_REGISTER,
            "exited",
            N_("脱困退出"),
            permission=APPROVE,
            comment_required=True,
            effects=(moves.exited,),
        ),
    ],
)


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


# -- Visit campaigns ----------------------------------------------------------------------

CAMPAIGN_STATES = {"draft": N_("筹备中"), "approved": N_("已审批"), "closed": N_("已结束")}


def _has_targets(campaign: Campaign, _actor: Actor, _data) -> str | None:
    if not records.target_count(campaign):
        return _("尚未选定走访对象")
    return None


def _undelivered_confirmed(
    campaign: Campaign, _actor: Actor, data: Mapping[str, Any]
) -> str | None:
    waiting = records.campaign_totals(campaign)["undelivered"]
    if waiting and not data.get("confirm_undelivered"):
        return _("尚有 %(n)s 户未送达，确认后才能结束活动", n=waiting)
    return None


CAMPAIGN_FLOW = Workflow(
    "assistance_campaign",
    states=CAMPAIGN_STATES,
    initial="draft",
    transitions=[
        Transition(
            "approve",
            ("draft",),
            "approved",
            N_("审批"),
            permission=APPROVE,
            guards=(_has_targets,),
            effects=(moves.approve_campaign,),
        ),
        Transition(
            "close",
            ("approved",),
            "closed",
            N_("结束"),
            permission=REGISTER,
            guards=(_undelivered_confirmed,),
        ),
    ],
)
