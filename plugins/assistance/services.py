"""What the assistance pages and API do: put a member on the register, raise and settle
objections, apply for grants and loans, repay, pair cadres, run a visit campaign.

Bad input raises :class:`marshmallow.ValidationError` naming the field, in Chinese, before
anything is written; workflow and ledger refusals raise :class:`core.workflow.WorkflowError`.
The caller (one request, one transaction) commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from flask import abort
from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import func, select

from core import clock
from core.audit.service import record as audit
from core.db import MAX_DB_ID, db
from core.locking import lock_for_update
from core.orgs.models import Member
from core.serials import next_serial
from core.workflow import IllegalTransition, TransitionForbidden
from plugins.assistance import ledger
from plugins.assistance.models import (
    CATEGORIES,
    CAUSES,
    GRANT_KINDS,
    LEVELS,
    Approval,
    Campaign,
    CampaignTarget,
    Grant,
    HardshipRecord,
    HouseholdMember,
    Instalment,
    Loan,
    LoanNote,
    Objection,
    Pairing,
    PairingLog,
)
from plugins.assistance.workflow import (
    APPROVE,
    CAMPAIGN_FLOW,
    GRANT_FLOW,
    LOAN_FLOW,
    ON_REGISTER,
    PAY,
    RECORD_FLOW,
    REGISTER,
    settings,
)

if TYPE_CHECKING:
    from core.auth.users import Actor

#: 一千万元: no household of a member in hardship earns more; bigger numbers are typos.
MAX_INCOME_FEN = 1_000_000_000
#: A single grant or loan above 100万元 is certainly a typo.
MAX_AMOUNT_FEN = 100_000_000
#: 组织生活: unpaid dues for this many months exclude a member (published local rules).
DUES_ARREARS_EXCLUDE_MONTHS = 6


def _require(actor: Actor, permission: str) -> None:
    if not actor.can(permission):
        raise TransitionForbidden(_("您没有此项操作的权限"))


def _amount(value: Any, field: str, maximum: int = MAX_AMOUNT_FEN) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValidationError({field: [_("金额须为正整数（单位：分）")]})
    if value > maximum:
        raise ValidationError({field: [_("金额过大，请核对")]})
    return value


def check_period(start: date | None, end: date | None) -> None:
    if start and end and end < start:
        raise ValidationError({"end": [_("结束日期不能早于开始日期")]})


def _find(model: type, object_id: Any) -> Any:
    """The row with this id in the tenant in scope, or None (also for ids no row can have)."""
    if isinstance(object_id, bool) or not isinstance(object_id, int):
        return None
    if not 0 < object_id <= MAX_DB_ID:
        return None
    return db.session.get(model, object_id)


def get_or_404(model: type, object_id: int) -> Any:
    if not 0 < object_id <= MAX_DB_ID:  # a URL id past BIGINT is simply not there
        abort(404)
    obj = db.session.get(model, object_id)
    if obj is None:
        abort(404)
    return obj


# -- The register -------------------------------------------------------------------------


def apply(
    data: Mapping[str, Any], household: Iterable[Mapping[str, Any]], actor: Actor
) -> HardshipRecord:
    """困难党员申请: checks the member, the exclusions and the income threshold, then
    starts the identification workflow."""
    _require(actor, REGISTER)
    errors: dict[str, list[str]] = {}
    member = _find(Member, data.get("member_id"))
    if member is None or not member.is_active:
        errors["member_id"] = [_("党员不存在或已停用")]
    if data.get("category") not in CATEGORIES:
        errors["category"] = [_("类别不正确")]
    if data.get("level") not in LEVELS:
        errors["level"] = [_("困难程度不正确")]
    causes = list(data.get("causes") or [])
    if not causes or any(c not in CAUSES for c in causes):
        errors["causes"] = [_("须选择致困原因")]
    people = [dict(p) for p in household]
    for index, person in enumerate(people):
        income = person.get("annual_income_fen", 0)
        if isinstance(income, bool) or not isinstance(income, int) or income < 0:
            errors[f"household.{index}.annual_income_fen"] = [_("收入须为非负整数（单位：分）")]
        elif income > MAX_INCOME_FEN:
            errors[f"household.{index}.annual_income_fen"] = [_("收入数额不合理，请核对")]
        if not (person.get("name") or "").strip():
            errors[f"household.{index}.name"] = [_("须填写姓名")]
    income = data.get("household_income_fen")
    if income is None and not errors:
        income = sum(p.get("annual_income_fen", 0) for p in people)
    if income is not None and (
        isinstance(income, bool) or not isinstance(income, int) or income < 0
    ):
        errors["household_income_fen"] = [_("收入须为非负整数（单位：分）")]
    elif income is not None and income > MAX_INCOME_FEN:
        errors["household_income_fen"] = [_("收入数额不合理，请核对")]
    size = data.get("household_size") or max(len(people), 1)
    if not isinstance(size, int) or size < 1 or size > 30:
        errors["household_size"] = [_("家庭人口须在 1 至 30 之间")]
    if errors:
        raise ValidationError(errors)
    values = settings()
    if data["category"] == "rural_low_income" and income >= values["rural_income_threshold_fen"]:
        raise ValidationError(
            {
                "household_income_fen": [
                    _(
                        "农村家庭年收入须低于 %(limit)s 元",
                        limit=ledger.yuan(values["rural_income_threshold_fen"]),
                    )
                ]
            }
        )
    if data["category"] == "veteran" and not member.is_veteran:
        raise ValidationError({"category": [_("该党员入党时间不在建国前")]})
    excluded = _exclusion(data)
    if excluded:
        raise ValidationError({"member_id": [excluded]})
    open_record = db.session.scalar(
        select(HardshipRecord.serial).where(
            HardshipRecord.member_id == member.id,
            HardshipRecord.state.not_in(("exited", "rejected")),
        )
    )
    if open_record:
        raise ValidationError({"member_id": [_("该党员已有台账 %(serial)s", serial=open_record)]})
    today = clock.today()
    record = HardshipRecord(
        serial=next_serial("KN", width=4, year=today.year),
        member_id=member.id,
        applied_on=data.get("applied_on") or today,
        applied_by_member=data.get("applied_by_member", True),
        category=data["category"],
        level=data["level"],
        causes=causes,
        household_income_fen=income,
        household_size=size,
        per_head_income_fen=income // size,
        documents=list(data.get("documents") or []),
        notes=data.get("notes"),
    )
    db.session.add(record)
    RECORD_FLOW.start(record, actor)
    db.session.add_all(
        HouseholdMember(
            record_id=record.id,
            name=p["name"].strip(),
            relation=p.get("relation") or "other",
            age=p.get("age"),
            health=p.get("health"),
            annual_income_fen=p.get("annual_income_fen", 0),
        )
        for p in people
    )
    db.session.flush()
    return record


def _exclusion(data: Mapping[str, Any]) -> str | None:
    if (data.get("dues_unpaid_months") or 0) >= DUES_ARREARS_EXCLUDE_MONTHS:
        return _("连续六个月未交党费的，不得认定为困难党员")
    if data.get("rated_unqualified_recently"):
        return _("近三年民主评议被评为不合格党员的，不得认定为困难党员")
    if data.get("under_disciplinary_review"):
        return _("正在接受纪律审查的，不得认定为困难党员")
    return None


def update_documents(record: HardshipRecord, documents: list[str], actor: Actor) -> None:
    _require(actor, REGISTER)
    if record.state not in ("applied", "branch_reviewed"):
        raise ValidationError({"documents": [_("已进入公示，不能再修改材料")]})
    record.documents = sorted({d.strip() for d in documents if d and d.strip()})
    audit("assistance.documents", obj=record, detail={"documents": record.documents})


def raise_objection(record: HardshipRecord, content: str, actor: Actor) -> Objection:
    """An objection recorded during the notice period (公示期内)."""
    _require(actor, REGISTER)
    if record.state != "in_notice":
        raise ValidationError({"content": [_("只有公示期间才能登记异议")]})
    if not (content or "").strip():
        raise ValidationError({"content": [_("须填写异议内容")]})
    objection = Objection(record_id=record.id, raised_on=clock.today(), content=content.strip())
    db.session.add(objection)
    db.session.flush()
    audit("assistance.objection", obj=record, detail={"objection_id": objection.id})
    return objection


def resolve_objection(objection: Objection, resolution: str, upheld: bool, actor: Actor) -> None:
    _require(actor, APPROVE)
    lock_for_update(objection)  # resolved twice at once: the second sees the first
    if objection.resolved_on is not None:
        raise ValidationError({"resolution": [_("该异议已处理")]})
    if not (resolution or "").strip():
        raise ValidationError({"resolution": [_("须填写核实处理意见")]})
    objection.resolution = resolution.strip()
    objection.upheld = bool(upheld)
    objection.resolved_on = clock.today()
    audit(
        "assistance.objection_resolved",
        obj=objection,
        detail={"record_id": objection.record_id, "upheld": objection.upheld},
    )


def reveal_income(record: HardshipRecord, via: str) -> None:
    """Household income details were shown in full: audit it."""
    audit("assistance.income_viewed", obj=record, detail={"via": via})


# -- Grants -------------------------------------------------------------------------------


def apply_grant(data: Mapping[str, Any], actor: Actor) -> Grant:
    _require(actor, REGISTER)
    record = _find(HardshipRecord, data.get("record_id"))
    errors = {}
    if record is None:
        errors["record_id"] = [_("台账记录不存在")]
    if data.get("kind") not in GRANT_KINDS:
        errors["kind"] = [_("救助类别不正确")]
    if not (data.get("reason") or "").strip():
        errors["reason"] = [_("须填写申请事由")]
    if errors:
        raise ValidationError(errors)
    amount = _amount(data.get("amount_fen"), "amount_fen")
    if record.state not in ON_REGISTER:
        raise ValidationError({"record_id": [_("该党员不在困难党员台账内")]})
    grant = Grant(
        serial=next_serial("JZ", width=4),
        record_id=record.id,
        kind=data["kind"],
        amount_fen=amount,
        reason=data["reason"].strip(),
        applied_on=clock.today(),
    )
    db.session.add(grant)
    GRANT_FLOW.start(grant, actor)
    return grant


# -- Loans --------------------------------------------------------------------------------


def apply_loan(data: Mapping[str, Any], actor: Actor) -> Loan:
    _require(actor, REGISTER)
    record = _find(HardshipRecord, data.get("record_id"))
    errors = {}
    if record is None:
        errors["record_id"] = [_("台账记录不存在")]
    for field, message in (
        ("project", _("须填写帮扶项目")),
        ("guarantor_name", _("须填写担保单位")),
    ):
        if not (data.get(field) or "").strip():
            errors[field] = [message]
    if data.get("guarantor_kind") not in ("branch", "township"):
        errors["guarantor_kind"] = [_("担保方式须为党支部或乡镇担保")]
    if errors:
        raise ValidationError(errors)
    amount = _amount(data.get("amount_fen"), "amount_fen")
    if record.state not in ON_REGISTER:
        raise ValidationError({"record_id": [_("该党员不在困难党员台账内")]})
    loan = Loan(
        serial=next_serial("JK", width=4),
        record_id=record.id,
        project=data["project"].strip(),
        amount_fen=amount,
        term_months=settings()["loan_term_months"],
        guarantor_kind=data["guarantor_kind"],
        guarantor_name=data["guarantor_name"].strip(),
        applied_on=clock.today(),
        repaid_fen=0,
        written_off_fen=0,
    )
    db.session.add(loan)
    LOAN_FLOW.start(loan, actor)
    return loan


def repay_loan(loan: Loan, amount_fen: Any, actor: Actor) -> Loan:
    """A repayment (or an early repayment of everything outstanding): into the fund,
    against the earliest unpaid instalments; the loan settles when nothing is left."""
    _require(actor, PAY)
    amount = _amount(amount_fen, "amount_fen")
    # Outstanding and state as committed: two repayments of the rest cannot both pass.
    lock_for_update(loan)
    if loan.state != "disbursed":
        raise IllegalTransition(_("该借款不在还款期"))
    if amount > loan.outstanding_fen:
        raise ValidationError(
            {
                "amount_fen": [
                    _("还款额超过未还本金 %(amount)s 元", amount=ledger.yuan(loan.outstanding_fen))
                ]
            }
        )
    approval = ledger.approve("repayment", amount, actor, subject_id=loan.id)
    ledger.repay(amount, approval, actor, loan.record_id, _("还款 %(serial)s", serial=loan.serial))
    left = amount
    for instalment in db.session.scalars(
        select(Instalment)
        .where(Instalment.loan_id == loan.id, Instalment.paid_fen < Instalment.amount_fen)
        .order_by(Instalment.seq)
    ):
        take = min(left, instalment.amount_fen - instalment.paid_fen)
        instalment.paid_fen += take
        if instalment.paid_fen == instalment.amount_fen:
            instalment.overdue_since = None
        left -= take
        if not left:
            break
    loan.repaid_fen += amount
    audit("assistance.repayment", obj=loan, detail={"amount_fen": amount})
    if loan.outstanding_fen == 0:
        LOAN_FLOW.fire(loan, "settle", actor)
    return loan


def add_loan_note(loan: Loan, content: str, actor: Actor) -> LoanNote:
    _require(actor, REGISTER)
    if not (content or "").strip():
        raise ValidationError({"content": [_("须填写项目进展")]})
    note = LoanNote(
        loan_id=loan.id, noted_on=clock.today(), content=content.strip(), author_name=actor.name
    )
    db.session.add(note)
    db.session.flush()
    return note


def instalments(loan: Loan) -> list[Instalment]:
    return list(
        db.session.scalars(
            select(Instalment).where(Instalment.loan_id == loan.id).order_by(Instalment.seq)
        )
    )


# -- Pairing ------------------------------------------------------------------------------


def create_pairing(data: Mapping[str, Any], actor: Actor) -> Pairing:
    _require(actor, REGISTER)
    record = _find(HardshipRecord, data.get("record_id"))
    errors = {}
    if record is None or record.state not in ON_REGISTER:
        errors["record_id"] = [_("该党员不在困难党员台账内")]
    for field in ("cadre_name", "goal", "measures"):
        if not (data.get(field) or "").strip():
            errors[field] = [_("此项必填")]
    starts, ends = data.get("starts_on"), data.get("ends_on")
    if not isinstance(starts, date) or not isinstance(ends, date):
        errors["starts_on"] = [_("须填写帮扶起止日期")]
    elif ends < starts:
        errors["ends_on"] = [_("结束日期不能早于开始日期")]
    if errors:
        raise ValidationError(errors)
    pairing = Pairing(
        record_id=record.id,
        cadre_name=data["cadre_name"].strip(),
        cadre_user_id=data.get("cadre_user_id"),
        goal=data["goal"].strip(),
        measures=data["measures"].strip(),
        starts_on=starts,
        ends_on=ends,
    )
    db.session.add(pairing)
    db.session.flush()
    audit("assistance.pairing", obj=pairing, detail={"record_id": record.id})
    return pairing


def log_pairing(pairing: Pairing, data: Mapping[str, Any], actor: Actor) -> PairingLog:
    """A visit or help given; money given is approved and paid through the ledger."""
    _require(actor, REGISTER)
    if not (data.get("content") or "").strip():
        raise ValidationError({"content": [_("须填写走访或帮扶内容")]})
    happened = data.get("happened_on") or clock.today()
    if happened > clock.today():
        raise ValidationError({"happened_on": [_("日期不能晚于今天")]})
    amount = data.get("amount_fen") or 0
    entry = PairingLog(
        pairing_id=pairing.id, happened_on=happened, content=data["content"].strip(), amount_fen=0
    )
    if amount:
        amount = _amount(amount, "amount_fen")
        _require(actor, PAY)
        approval = ledger.approve("pairing", amount, actor, subject_id=pairing.id)
        postings = ledger.spend(
            "expense_pairing", amount, approval, actor, record_id=pairing.record_id
        )
        entry.amount_fen = amount
        entry.posting_id = postings[0].id
    db.session.add(entry)
    db.session.flush()
    return entry


# -- Visit campaigns ----------------------------------------------------------------------


def create_campaign(data: Mapping[str, Any], actor: Actor) -> Campaign:
    """A campaign with its targets chosen from the register by level and category."""
    _require(actor, REGISTER)
    errors = {}
    if not (data.get("name") or "").strip():
        errors["name"] = [_("须填写活动名称")]
    levels = list(data.get("levels") or [])
    if not levels or any(lv not in LEVELS for lv in levels):
        errors["levels"] = [_("须选择困难程度")]
    categories = list(data.get("categories") or [])
    if any(c not in CATEGORIES for c in categories):
        errors["categories"] = [_("类别不正确")]
    amounts = dict(data.get("amounts_fen") or {})
    for level in levels:
        value = amounts.get(level)
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            errors[f"amounts_fen.{level}"] = [_("金额须为正整数（单位：分）")]
        elif value > MAX_AMOUNT_FEN:
            errors[f"amounts_fen.{level}"] = [_("金额过大，请核对")]
    if errors:
        raise ValidationError(errors)
    campaign = Campaign(
        name=data["name"].strip(),
        starts_on=data.get("starts_on") or clock.today(),
        levels=levels,
        categories=categories,
        amounts_fen={lv: amounts[lv] for lv in levels},
    )
    db.session.add(campaign)
    CAMPAIGN_FLOW.start(campaign, actor)
    query = select(HardshipRecord).where(
        HardshipRecord.state.in_(ON_REGISTER), HardshipRecord.level.in_(levels)
    )
    if categories:
        query = query.where(HardshipRecord.category.in_(categories))
    db.session.add_all(
        CampaignTarget(
            campaign_id=campaign.id,
            record_id=r.id,
            level=r.level,
            amount_fen=campaign.amounts_fen[r.level],
        )
        for r in db.session.scalars(query.order_by(HardshipRecord.id))
    )
    db.session.flush()
    return campaign


def deliver(target: CampaignTarget, signed_by: str, actor: Actor) -> CampaignTarget:
    """Money and goods delivered and signed for: paid through the ledger."""
    _require(actor, PAY)
    if not (signed_by or "").strip():
        raise ValidationError({"signed_by": [_("须填写签收人")]})
    # The campaign first (closing it locks it too), then the target: a second identical
    # delivery waits, then sees the posting and is refused.
    campaign = db.session.get(Campaign, target.campaign_id)
    lock_for_update(campaign)
    lock_for_update(target)
    if campaign.state != "approved":
        raise IllegalTransition(_("活动未审批或已结束"))
    if target.posting_id is not None:
        raise IllegalTransition(_("该对象已发放"))
    approval = db.session.get(Approval, campaign.approval_id)
    postings = ledger.spend(
        "expense_campaign",
        target.amount_fen,
        approval,
        actor,
        record_id=target.record_id,
        memo=campaign.name,
        purpose=f"target:{target.id}",
    )
    target.posting_id = postings[0].id
    target.delivered_on = clock.today()
    target.signed_by = signed_by.strip()
    audit("assistance.delivered", obj=target, detail={"campaign_id": campaign.id})
    return target


def campaign_totals(campaign: Campaign) -> dict[str, int]:
    """Planned and delivered amounts, and what the ledger paid out under the campaign's
    approval — the last two always agree."""
    planned, delivered = db.session.execute(
        select(
            func.coalesce(func.sum(CampaignTarget.amount_fen), 0),
            func.coalesce(
                func.sum(CampaignTarget.amount_fen).filter(CampaignTarget.posting_id.isnot(None)),
                0,
            ),
        ).where(CampaignTarget.campaign_id == campaign.id)
    ).one()
    from plugins.assistance.models import Posting

    posted = 0
    if campaign.approval_id:
        posted = db.session.scalar(
            select(func.coalesce(func.sum(Posting.amount_fen), 0)).where(
                Posting.approval_id == campaign.approval_id, Posting.reverses_id.is_(None)
            )
        )
    return {"planned_fen": int(planned), "delivered_fen": int(delivered), "posted_fen": int(posted)}
