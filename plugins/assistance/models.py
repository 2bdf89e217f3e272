"""困难党员帮扶 records: the hardship register, the fund's double-entry ledger, relief
grants, revolving loans, pairings and visit campaigns.

Members and org units are the core's (:mod:`core.orgs`): a register record points at a
``members`` row and never copies the member's name, ID number or branch. Every table is
tenant-owned; references between rows are composite ``(tenant_id, id)`` foreign keys.

Money is integer 分 (``*_fen`` columns, BigInteger): never a float anywhere.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, BigId, TenantOwned, tenant_fk
from core.i18n import N_

LEVELS = {"general": N_("一般困难"), "relatively": N_("比较困难"), "special": N_("特别困难")}
CATEGORIES = {
    "rural_low_income": N_("农村低收入"),
    "urban_dibao": N_("城镇低保户"),
    "temporary": N_("临时困难"),
    "veteran": N_("建国前老党员"),
}
CAUSES = {
    "old_age": N_("年老体弱、丧失劳动能力"),
    "no_skills": N_("缺技术"),
    "no_capital": N_("缺资金"),
    "illness": N_("因病"),
    "disaster": N_("因灾"),
    "laid_off": N_("下岗失业"),
    "schooling": N_("子女上学"),
    "other": N_("其他"),
}
RELATIONS = {
    "self": N_("本人"),
    "spouse": N_("配偶"),
    "child": N_("子女"),
    "parent": N_("父母"),
    "grandchild": N_("孙子女"),
    "other": N_("其他"),
}
GRANT_KINDS = {
    "holiday_visit": N_("节日走访慰问"),
    "emergency": N_("突发困难救助"),
    "education": N_("助学资助"),
    "medical": N_("医疗救助"),
    "living": N_("生活补助"),
}
GUARANTORS = {"branch": N_("党支部担保"), "township": N_("乡镇担保")}

#: 一千万元: no household of a member in hardship earns more; bigger numbers are typos.
MAX_INCOME_FEN = 1_000_000_000
#: A single grant or loan above 100万元 is certainly a typo.
MAX_AMOUNT_FEN = 100_000_000

#: The fund's chart of accounts (帮扶基金科目), the same in every tenant.
SOURCES = {
    "dues": N_("留存党费"),
    "fiscal": N_("财政拨款"),
    "donation": N_("党员捐款"),
    "fundraising": N_("社会募集"),
}
SPENDING = {
    **{f"expense_{kind}": title for kind, title in GRANT_KINDS.items()},
    "expense_campaign": N_("走访慰问支出"),
    "expense_pairing": N_("结对帮扶支出"),
    "expense_writeoff": N_("借款核销"),
}
CHART: dict[str, tuple[str, str]] = {
    "cash_dues": ("asset", N_("党费来源资金")),
    "cash_general": ("asset", N_("其他来源资金")),
    "loans_receivable": ("asset", N_("借出款")),
    **{f"source_{code}": ("source", title) for code, title in SOURCES.items()},
    **{code: ("expense", title) for code, title in SPENDING.items()},
}
#: Spending that dues-sourced money may pay for (relief, not economic activity).
DUES_MAY_PAY = {code for code in SPENDING if code != "expense_writeoff"} | {"source_dues"}


class HardshipRecord(TenantOwned, Base):
    """困难党员台账: one member in hardship, from application to exit (脱困)."""

    __tablename__ = "assistance_records"
    __tenant_args__ = (
        tenant_fk("member_id", "members"),
        UniqueConstraint("tenant_id", "serial"),
        Index("ix_assistance_records_tenant_id_member_id", "tenant_id", "member_id"),
        Index("ix_assistance_records_tenant_id_state_level", "tenant_id", "state", "level"),
        Index("ix_assistance_records_tenant_id_state_review", "tenant_id", "state", "review_due"),
        CheckConstraint("household_income_fen >= 0", name="income_not_negative"),
        CheckConstraint("household_size >= 1", name="household_size_positive"),
    )

    #: KN-YYYY-NNNN (core.serials).
    serial: Mapped[str] = mapped_column(String(20))
    member_id: Mapped[int] = mapped_column(BigId)
    applied_on: Mapped[date] = mapped_column(Date)
    #: The member applied in person, or someone applied on their behalf (代为申请).
    applied_by_member: Mapped[bool] = mapped_column(Boolean, default=True)
    category: Mapped[str] = mapped_column(String(30))
    level: Mapped[str] = mapped_column(String(20))
    causes: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: 家庭年收入 and 家庭人口 — sensitive (assistance.view_income).
    household_income_fen: Mapped[int] = mapped_column(BigInteger)
    household_size: Mapped[int] = mapped_column(Integer, default=1)
    #: 人均年收入, kept in step with the two above by the service.
    per_head_income_fen: Mapped[int] = mapped_column(BigInteger)
    #: Documents handed in (names from the tenant's required_documents setting).
    documents: Mapped[list[str]] = mapped_column(JSON, default=list)
    notes: Mapped[str | None] = mapped_column(Text)

    state: Mapped[str] = mapped_column(String(30))
    notice_starts_on: Mapped[date | None] = mapped_column(Date)
    notice_ends_on: Mapped[date | None] = mapped_column(Date)
    approved_on: Mapped[date | None] = mapped_column(Date)
    #: 备案: the organization department filed with (often the parent tenant).
    filed_with_tenant_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("tenants.id"))
    filed_with_name: Mapped[str | None] = mapped_column(String(100))
    filed_on: Mapped[date | None] = mapped_column(Date)
    #: Next annual review (动态管理) falls due on this date.
    review_due: Mapped[date | None] = mapped_column(Date)
    last_reviewed_on: Mapped[date | None] = mapped_column(Date)
    exited_on: Mapped[date | None] = mapped_column(Date)

    household: Mapped[list[HouseholdMember]] = relationship(
        primaryjoin="and_(HardshipRecord.tenant_id == foreign(HouseholdMember.tenant_id),"
        " HardshipRecord.id == foreign(HouseholdMember.record_id))",
        order_by="HouseholdMember.id",
        viewonly=True,
    )
    objections: Mapped[list[Objection]] = relationship(
        primaryjoin="and_(HardshipRecord.tenant_id == foreign(Objection.tenant_id),"
        " HardshipRecord.id == foreign(Objection.record_id))",
        order_by="Objection.id",
        viewonly=True,
    )


class HouseholdMember(TenantOwned, Base):
    """家庭成员: name, relation, age, health and annual income (sensitive)."""

    __tablename__ = "assistance_household_members"
    __tenant_args__ = (
        tenant_fk("record_id", "assistance_records", ondelete="CASCADE"),
        Index("ix_assistance_household_members_tenant_id_record_id", "tenant_id", "record_id"),
        CheckConstraint("annual_income_fen >= 0", name="income_not_negative"),
    )

    record_id: Mapped[int] = mapped_column(BigId)
    name: Mapped[str] = mapped_column(String(50))
    relation: Mapped[str] = mapped_column(String(20))
    age: Mapped[int | None] = mapped_column(Integer)
    health: Mapped[str | None] = mapped_column(String(50))
    annual_income_fen: Mapped[int] = mapped_column(BigInteger, default=0)


class Objection(TenantOwned, Base):
    """An objection raised during the public notice (公示), and how it was resolved."""

    __tablename__ = "assistance_objections"
    __tenant_args__ = (
        tenant_fk("record_id", "assistance_records", ondelete="CASCADE"),
        Index("ix_assistance_objections_tenant_id_record_id", "tenant_id", "record_id"),
    )

    record_id: Mapped[int] = mapped_column(BigId)
    raised_on: Mapped[date] = mapped_column(Date)
    content: Mapped[str] = mapped_column(Text)
    resolution: Mapped[str | None] = mapped_column(Text)
    resolved_on: Mapped[date | None] = mapped_column(Date)
    #: The objection stands: the application cannot proceed.
    upheld: Mapped[bool] = mapped_column(Boolean, default=False)


# -- The fund ledger ----------------------------------------------------------------------


class Approval(TenantOwned, Base):
    """A decision that moves money (审批): every posting names the approval behind it."""

    __tablename__ = "assistance_approvals"
    __tenant_args__ = (
        Index("ix_assistance_approvals_tenant_id_kind_subject", "tenant_id", "kind", "subject_id"),
        CheckConstraint("amount_fen >= 0", name="amount_not_negative"),
    )

    #: receipt, grant, loan, repayment, writeoff, campaign, pairing, reversal.
    kind: Mapped[str] = mapped_column(String(20))
    #: The grant, loan, campaign… it approves (which table depends on ``kind``).
    subject_id: Mapped[int | None] = mapped_column(BigId)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    approver_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))
    approver_name: Mapped[str] = mapped_column(String(50))
    approved_on: Mapped[date] = mapped_column(Date)
    #: 批文、会议纪要 or similar reference.
    document_no: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)


class FundAccount(TenantOwned, Base):
    """One account of the tenant's fund. ``balance_fen`` is kept on the account's normal
    side (debit for assets and spending, credit for sources), updated atomically by each
    posting, and may never go below zero — the CHECK is the last line of defence."""

    __tablename__ = "assistance_accounts"
    __tenant_args__ = (
        UniqueConstraint("tenant_id", "code"),
        CheckConstraint("balance_fen >= 0", name="balance_not_negative"),
    )

    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(50))
    #: asset (cash, loans receivable), source (money received), expense (money spent).
    kind: Mapped[str] = mapped_column(String(10))
    balance_fen: Mapped[int] = mapped_column(BigInteger, default=0)


class Posting(TenantOwned, Base):
    """One balanced movement: ``amount_fen`` debited to one account and credited to
    another. Immutable: a mistake is undone by a reversing posting (``reverses_id``)."""

    __tablename__ = "assistance_postings"
    __tenant_args__ = (
        tenant_fk("debit_account_id", "assistance_accounts"),
        tenant_fk("credit_account_id", "assistance_accounts"),
        tenant_fk("approval_id", "assistance_approvals"),
        tenant_fk("reverses_id", "assistance_postings"),
        tenant_fk("record_id", "assistance_records"),
        UniqueConstraint("tenant_id", "voucher_no"),
        UniqueConstraint("tenant_id", "reverses_id"),
        # An approval moves money once for each purpose: a second payment of the same
        # grant, delivery to the same campaign target or disbursement of the same loan
        # is refused by the database even if it got past the row locks.
        UniqueConstraint("tenant_id", "approval_id", "purpose"),
        Index("ix_assistance_postings_tenant_id_posted_on", "tenant_id", "posted_on", "id"),
        Index("ix_assistance_postings_tenant_id_debit", "tenant_id", "debit_account_id"),
        Index("ix_assistance_postings_tenant_id_credit", "tenant_id", "credit_account_id"),
        Index("ix_assistance_postings_tenant_id_approval_id", "tenant_id", "approval_id"),
        Index("ix_assistance_postings_tenant_id_record_id", "tenant_id", "record_id"),
        CheckConstraint("amount_fen > 0", name="amount_positive"),
        CheckConstraint("debit_account_id <> credit_account_id", name="two_accounts"),
    )

    #: 凭证号 PZ-YYYY-NNNNNN.
    voucher_no: Mapped[str] = mapped_column(String(20))
    posted_on: Mapped[date] = mapped_column(Date)
    debit_account_id: Mapped[int] = mapped_column(BigId)
    credit_account_id: Mapped[int] = mapped_column(BigId)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    approval_id: Mapped[int] = mapped_column(BigId)
    #: What the approval's money moved for, unique per approval (see ``ledger.post``):
    #: by default the two accounts (``expense_education/cash_dues``), for a campaign the
    #: target as well (``target:12/cash_general``).
    purpose: Mapped[str] = mapped_column(String(80))
    reverses_id: Mapped[int | None] = mapped_column(BigId)
    #: The member in hardship the money went to or came from, if any.
    record_id: Mapped[int | None] = mapped_column(BigId)
    memo: Mapped[str | None] = mapped_column(String(200))
    created_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))


# -- Relief grants ------------------------------------------------------------------------


class Grant(TenantOwned, Base):
    """无偿救济: application → review → approval (amount limits) → payment → receipt."""

    __tablename__ = "assistance_grants"
    __tenant_args__ = (
        tenant_fk("record_id", "assistance_records"),
        tenant_fk("approval_id", "assistance_approvals"),
        UniqueConstraint("tenant_id", "serial"),
        Index("ix_assistance_grants_tenant_id_state", "tenant_id", "state", "applied_on"),
        Index("ix_assistance_grants_tenant_id_record_id", "tenant_id", "record_id"),
        CheckConstraint("amount_fen > 0", name="amount_positive"),
    )

    serial: Mapped[str] = mapped_column(String(20))
    record_id: Mapped[int] = mapped_column(BigId)
    kind: Mapped[str] = mapped_column(String(20))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(Text)
    applied_on: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(20))
    approval_id: Mapped[int | None] = mapped_column(BigId)
    voucher_no: Mapped[str | None] = mapped_column(String(20))
    paid_on: Mapped[date | None] = mapped_column(Date)
    receipt_signed_by: Mapped[str | None] = mapped_column(String(50))
    receipt_signed_on: Mapped[date | None] = mapped_column(Date)


# -- Revolving loans ----------------------------------------------------------------------


class Loan(TenantOwned, Base):
    """有偿扶助: an interest-free loan for a small production project."""

    __tablename__ = "assistance_loans"
    __tenant_args__ = (
        tenant_fk("record_id", "assistance_records"),
        tenant_fk("approval_id", "assistance_approvals"),
        tenant_fk("writeoff_approval_id", "assistance_approvals"),
        UniqueConstraint("tenant_id", "serial"),
        Index("ix_assistance_loans_tenant_id_state", "tenant_id", "state", "applied_on"),
        Index("ix_assistance_loans_tenant_id_record_id", "tenant_id", "record_id"),
        Index("ix_assistance_loans_tenant_id_quota_year", "tenant_id", "quota_year"),
        CheckConstraint("amount_fen > 0", name="amount_positive"),
        CheckConstraint("term_months >= 1", name="term_positive"),
        CheckConstraint("repaid_fen >= 0 AND repaid_fen <= amount_fen", name="repaid_in_range"),
    )

    serial: Mapped[str] = mapped_column(String(20))
    record_id: Mapped[int] = mapped_column(BigId)
    project: Mapped[str] = mapped_column(String(200))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    term_months: Mapped[int] = mapped_column(Integer)
    guarantor_kind: Mapped[str] = mapped_column(String(20))
    guarantor_name: Mapped[str] = mapped_column(String(100))
    applied_on: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(20))
    assessed_on: Mapped[date | None] = mapped_column(Date)
    assessment: Mapped[str | None] = mapped_column(Text)
    approval_id: Mapped[int | None] = mapped_column(BigId)
    #: The year whose borrower quota this loan counts against (set on approval).
    quota_year: Mapped[int | None] = mapped_column(Integer)
    disbursed_on: Mapped[date | None] = mapped_column(Date)
    repaid_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    written_off_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    writeoff_approval_id: Mapped[int | None] = mapped_column(BigId)

    @property
    def outstanding_fen(self) -> int:
        return self.amount_fen - self.repaid_fen - self.written_off_fen


class Instalment(TenantOwned, Base):
    """One month of a loan's repayment schedule."""

    __tablename__ = "assistance_instalments"
    __tenant_args__ = (
        tenant_fk("loan_id", "assistance_loans", ondelete="CASCADE"),
        UniqueConstraint("tenant_id", "loan_id", "seq"),
        # The arrears scan: unpaid instalments by due date.
        Index("ix_assistance_instalments_tenant_id_due_on", "tenant_id", "due_on", "paid_fen"),
        CheckConstraint("paid_fen >= 0 AND paid_fen <= amount_fen", name="paid_in_range"),
    )

    loan_id: Mapped[int] = mapped_column(BigId)
    seq: Mapped[int] = mapped_column(Integer)
    due_on: Mapped[date] = mapped_column(Date)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    paid_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    #: Set by the arrears scan while an instalment is past due and not fully paid.
    overdue_since: Mapped[date | None] = mapped_column(Date)


class LoanNote(TenantOwned, Base):
    """项目进展: a note on how the financed project is going."""

    __tablename__ = "assistance_loan_notes"
    __tenant_args__ = (
        tenant_fk("loan_id", "assistance_loans", ondelete="CASCADE"),
        Index("ix_assistance_loan_notes_tenant_id_loan_id", "tenant_id", "loan_id"),
    )

    loan_id: Mapped[int] = mapped_column(BigId)
    noted_on: Mapped[date] = mapped_column(Date)
    content: Mapped[str] = mapped_column(Text)
    author_name: Mapped[str] = mapped_column(String(50))


# -- Pairing ------------------------------------------------------------------------------


class Pairing(TenantOwned, Base):
    """结对帮扶: one cadre paired with one member in hardship (several cadres may pair
    with the same member), with goal, measures and time frame."""

    __tablename__ = "assistance_pairings"
    __tenant_args__ = (
        tenant_fk("record_id", "assistance_records"),
        Index("ix_assistance_pairings_tenant_id_record_id", "tenant_id", "record_id"),
        CheckConstraint("ends_on >= starts_on", name="dates_in_order"),
    )

    record_id: Mapped[int] = mapped_column(BigId)
    cadre_name: Mapped[str] = mapped_column(String(50))
    cadre_user_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))
    goal: Mapped[str] = mapped_column(Text)
    measures: Mapped[str] = mapped_column(Text)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)


class PairingLog(TenantOwned, Base):
    """A visit or help given under a pairing; money given is a posting."""

    __tablename__ = "assistance_pairing_logs"
    __tenant_args__ = (
        tenant_fk("pairing_id", "assistance_pairings", ondelete="CASCADE"),
        tenant_fk("posting_id", "assistance_postings"),
        Index("ix_assistance_pairing_logs_tenant_id_pairing_id", "tenant_id", "pairing_id"),
    )

    pairing_id: Mapped[int] = mapped_column(BigId)
    happened_on: Mapped[date] = mapped_column(Date)
    content: Mapped[str] = mapped_column(Text)
    amount_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    posting_id: Mapped[int | None] = mapped_column(BigId)


# -- Visit campaigns ----------------------------------------------------------------------


class Campaign(TenantOwned, Base):
    """走访慰问 campaign (e.g. 2026年春节走访慰问): targets chosen from the register by
    level and category, an amount per level."""

    __tablename__ = "assistance_campaigns"
    __tenant_args__ = (
        tenant_fk("approval_id", "assistance_approvals"),
        Index("ix_assistance_campaigns_tenant_id_starts_on", "tenant_id", "starts_on"),
    )

    name: Mapped[str] = mapped_column(String(100))
    starts_on: Mapped[date] = mapped_column(Date)
    levels: Mapped[list[str]] = mapped_column(JSON, default=list)
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: level → amount in 分.
    amounts_fen: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(20))
    approval_id: Mapped[int | None] = mapped_column(BigId)


class CampaignTarget(TenantOwned, Base):
    """One member visited in a campaign: amount, delivery, signature, posting."""

    __tablename__ = "assistance_campaign_targets"
    __tenant_args__ = (
        tenant_fk("campaign_id", "assistance_campaigns", ondelete="CASCADE"),
        tenant_fk("record_id", "assistance_records"),
        tenant_fk("posting_id", "assistance_postings"),
        UniqueConstraint("tenant_id", "campaign_id", "record_id"),
        # One delivery per target: its posting pays no other target.
        UniqueConstraint("tenant_id", "posting_id"),
        CheckConstraint("amount_fen > 0", name="amount_positive"),
    )

    campaign_id: Mapped[int] = mapped_column(BigId)
    record_id: Mapped[int] = mapped_column(BigId)
    level: Mapped[str] = mapped_column(String(20))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    delivered_on: Mapped[date | None] = mapped_column(Date)
    signed_by: Mapped[str | None] = mapped_column(String(50))
    posting_id: Mapped[int | None] = mapped_column(BigId)


@event.listens_for(Posting, "before_update")
@event.listens_for(Posting, "before_delete")
def _postings_are_immutable(_mapper, _connection, target: Posting) -> None:
    # PostgreSQL refuses it by trigger too; this catches it on SQLite and earlier.
    raise RuntimeError("assistance postings are immutable: post a reversal instead")
