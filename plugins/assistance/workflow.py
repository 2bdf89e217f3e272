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

Money moves only in effects that post to :mod:`plugins.assistance.ledger` with the
approval the transition created; a refused posting raises, and the request's single
transaction leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from core import clock
from core.attachments.kinds import AttachmentKind, declare
from core.calendar import add_months, add_working_days
from core.db import db
from core.i18n import N_
from core.plugins.settings import resolved_settings
from core.tenancy.models import Tenant
from core.tenancy.scope import current_tenant_id
from core.workflow import Transition, Workflow
from plugins.assistance import ledger
from plugins.assistance.models import (
    LEVELS,
    Campaign,
    Grant,
    HardshipRecord,
    Instalment,
    Loan,
    Objection,
)
from plugins.assistance.permissions import APPROVE, APPROVE_MAJOR, PAY, REGISTER, VIEW  # noqa: F401 - re-exported

if TYPE_CHECKING:
    from core.auth.users import Actor


#: Proofs of hardship (申请书, 收入证明, 病历…): sensitive, so every download is audited.
RECORD_FILES = declare(
    AttachmentKind("assistance.record", "assistance", VIEW, audit_downloads=True, max_files=30)
)


def settings() -> dict[str, Any]:
    return resolved_settings(db.session.get(Tenant, current_tenant_id()), "assistance")


def required_documents(values: Mapping[str, Any] | None = None) -> list[str]:
    raw = (values or settings())["required_documents"]
    return [d.strip() for d in raw.replace(",", "、").replace("，", "、").split("、") if d.strip()]


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
ON_REGISTER = ("registered", "under_review")


def _documents_complete(record: HardshipRecord, _actor: Actor, _data) -> str | None:
    missing = [d for d in required_documents() if d not in (record.documents or [])]
    if missing:
        return _("缺少认定材料：%(docs)s", docs="、".join(missing))
    return None


def _notice_over(record: HardshipRecord, _actor: Actor, _data) -> str | None:
    if record.notice_ends_on is None or clock.today() <= record.notice_ends_on:
        return _("公示期至 %(day)s 结束，期满后才能结束公示", day=record.notice_ends_on)
    open_or_upheld = db.session.scalar(
        select(func.count(Objection.id)).where(
            Objection.record_id == record.id,
            (Objection.resolved_on.is_(None)) | Objection.upheld,
        )
    )
    if open_or_upheld:
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


def _publish(record: HardshipRecord, _actor: Actor, _data) -> None:
    record.notice_starts_on = clock.today()
    record.notice_ends_on = add_working_days(clock.today(), settings()["notice_working_days"]).date


def _approved(record: HardshipRecord, _actor: Actor, _data) -> None:
    record.approved_on = clock.today()


def _file(record: HardshipRecord, _actor: Actor, data: Mapping[str, Any]) -> None:
    tenant = db.session.get(Tenant, record.tenant_id)
    name = (data.get("filed_with_name") or "").strip()
    if not name and tenant.parent_id is not None:
        parent = db.session.get(Tenant, tenant.parent_id)
        record.filed_with_tenant_id, name = parent.id, parent.name
    record.filed_with_name = name
    record.filed_on = clock.today()
    record.review_due = add_months(clock.today(), settings()["review_months"])


def _reviewed(record: HardshipRecord, _actor: Actor, data: Mapping[str, Any]) -> None:
    if data.get("level"):
        record.level = data["level"]
    record.last_reviewed_on = clock.today()
    record.review_due = add_months(clock.today(), settings()["review_months"])


def _exited(record: HardshipRecord, _actor: Actor, _data) -> None:
    record.exited_on = clock.today()
    record.review_due = None


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
            effects=(_publish,),
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
            effects=(_approved,),
        ),
        Transition(
            "file",
            ("approved",),
            "registered",
            N_("报组织部备案"),
            permission=REGISTER,
            guards=(_filed_with,),
            effects=(_file,),
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
            effects=(_reviewed,),
        ),
        Transition(
            "change_level",
            ("under_review",),
            "registered",
            N_("调整困难程度"),
            permission=APPROVE,
            comment_required=True,
            guards=(_new_level,),
            effects=(_reviewed,),
        ),
        Transition(
            "exit",
            ON_REGISTER,
            "exited",
            N_("脱困退出"),
            permission=APPROVE,
            comment_required=True,
            effects=(_exited,),
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
            amount=ledger.yuan(grant.amount_fen),
            limit=ledger.yuan(limit),
        )
    return None


def _record_on_register(obj: Grant | Loan, _actor: Actor, _data) -> str | None:
    record = db.session.get(HardshipRecord, obj.record_id)
    if record is None or record.state not in ON_REGISTER:
        return _("该党员不在困难党员台账内")
    return None


def _approve_grant(grant: Grant, actor: Actor, data: Mapping[str, Any]) -> None:
    approval = ledger.approve(
        "grant", grant.amount_fen, actor, subject_id=grant.id, document_no=data.get("document_no")
    )
    grant.approval_id = approval.id


def _pay_grant(grant: Grant, actor: Actor, _data) -> None:
    from plugins.assistance.models import Approval

    approval = db.session.get(Approval, grant.approval_id)
    postings = ledger.spend(
        f"expense_{grant.kind}",
        grant.amount_fen,
        approval,
        actor,
        record_id=grant.record_id,
        memo=_("救助 %(serial)s", serial=grant.serial),
    )
    grant.voucher_no = postings[0].voucher_no
    grant.paid_on = clock.today()


def _signer(grant: Grant, _actor: Actor, data: Mapping[str, Any]) -> str | None:
    if not (data.get("signed_by") or "").strip():
        return _("须填写签收人")
    return None


def _sign(grant: Grant, _actor: Actor, data: Mapping[str, Any]) -> None:
    grant.receipt_signed_by = data["signed_by"].strip()
    grant.receipt_signed_on = clock.today()


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
            effects=(_approve_grant,),
        ),
        Transition("pay", ("approved",), "paid", N_("发放"), permission=PAY, effects=(_pay_grant,)),
        Transition(
            "sign_receipt",
            ("paid",),
            "receipted",
            N_("签收"),
            permission=REGISTER,
            guards=(_signer,),
            effects=(_sign,),
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
ACTIVE_LOAN_STATES = ("approved", "disbursed", "repaid", "written_off")


def _assessment_given(loan: Loan, _actor: Actor, data: Mapping[str, Any]) -> str | None:
    if not (data.get("assessment") or "").strip():
        return _("须填写实地考察意见")
    return None


def borrowers_in_year(year: int) -> int:
    """Members granted a loan counted against ``year``'s quota."""
    return db.session.scalar(
        select(func.count(func.distinct(Loan.record_id))).where(
            Loan.quota_year == year, Loan.state.in_(ACTIVE_LOAN_STATES)
        )
    )


def _within_quota(loan: Loan, _actor: Actor, _data) -> str | None:
    year = clock.today().year
    quota = settings()["annual_borrower_quota"]
    already = db.session.scalar(
        select(func.count(Loan.id)).where(
            Loan.quota_year == year,
            Loan.record_id == loan.record_id,
            Loan.state.in_(ACTIVE_LOAN_STATES),
        )
    )
    if not already and borrowers_in_year(year) >= quota:
        return _("本年度借款户数已达上限 %(quota)s 户", quota=quota)
    return None


def _assess(loan: Loan, _actor: Actor, data: Mapping[str, Any]) -> None:
    loan.assessment = data["assessment"].strip()
    loan.assessed_on = clock.today()


def _approve_loan(loan: Loan, actor: Actor, data: Mapping[str, Any]) -> None:
    approval = ledger.approve(
        "loan", loan.amount_fen, actor, subject_id=loan.id, document_no=data.get("document_no")
    )
    loan.approval_id = approval.id
    loan.quota_year = clock.today().year


def schedule(amount_fen: int, term_months: int, start: date) -> list[tuple[int, date, int]]:
    """Equal monthly instalments exact to the 分, the remainder on the last one:
    (seq, due date, amount)."""
    base = amount_fen // term_months
    rows = [(i, add_months(start, i), base) for i in range(1, term_months + 1)]
    seq, due, last = rows[-1]
    rows[-1] = (seq, due, last + amount_fen - base * term_months)
    return rows


def _disburse(loan: Loan, actor: Actor, _data) -> None:
    from plugins.assistance.models import Approval

    approval = db.session.get(Approval, loan.approval_id)
    ledger.lend(
        loan.amount_fen,
        approval,
        actor,
        record_id=loan.record_id,
        memo=_("借款 %(serial)s", serial=loan.serial),
    )
    loan.disbursed_on = clock.today()
    db.session.add_all(
        Instalment(loan_id=loan.id, seq=seq, due_on=due, amount_fen=amount, paid_fen=0)
        for seq, due, amount in schedule(loan.amount_fen, loan.term_months, loan.disbursed_on)
    )


def _fully_repaid(loan: Loan, _actor: Actor, _data) -> str | None:
    if loan.outstanding_fen:
        return _("尚有 %(amount)s 元未还", amount=ledger.yuan(loan.outstanding_fen))
    return None


def _write_off(loan: Loan, actor: Actor, data: Mapping[str, Any]) -> None:
    amount = loan.outstanding_fen
    approval = ledger.approve(
        "writeoff", amount, actor, subject_id=loan.id, document_no=data.get("document_no")
    )
    ledger.write_off(
        amount, approval, actor, loan.record_id, _("核销 %(serial)s", serial=loan.serial)
    )
    loan.written_off_fen += amount
    loan.writeoff_approval_id = approval.id


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
            effects=(_assess,),
        ),
        Transition(
            "approve",
            ("assessed",),
            "approved",
            N_("审批"),
            permission=APPROVE,
            guards=(_within_quota,),
            effects=(_approve_loan,),
        ),
        Transition(
            "disburse", ("approved",), "disbursed", N_("放款"), permission=PAY, effects=(_disburse,)
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
            effects=(_write_off,),
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
    from plugins.assistance.models import CampaignTarget

    if not db.session.scalar(
        select(func.count(CampaignTarget.id)).where(CampaignTarget.campaign_id == campaign.id)
    ):
        return _("尚未选定走访对象")
    return None


def _approve_campaign(campaign: Campaign, actor: Actor, data: Mapping[str, Any]) -> None:
    from plugins.assistance.models import CampaignTarget

    total = db.session.scalar(
        select(func.coalesce(func.sum(CampaignTarget.amount_fen), 0)).where(
            CampaignTarget.campaign_id == campaign.id
        )
    )
    approval = ledger.approve(
        "campaign", int(total), actor, subject_id=campaign.id, document_no=data.get("document_no")
    )
    campaign.approval_id = approval.id


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
            effects=(_approve_campaign,),
        ),
        Transition("close", ("approved",), "closed", N_("结束"), permission=REGISTER),
    ],
)
