"""Relief grants (救助) and revolving loans (借款) with their instalments and notes."""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, BigId, TenantOwned, tenant_fk
from core.i18n import N_

GRANT_KINDS = {
    "holiday_visit": N_("节日走访慰问"),
    "emergency": N_("突发困难救助"),
    "education": N_("助学资助"),
    "medical": N_("医疗救助"),
    "living": N_("生活补助"),
}
GUARANTORS = {"branch": N_("党支部担保"), "township": N_("乡镇担保")}
#: A single grant or loan above 100万元 is certainly a typo.
MAX_AMOUNT_FEN = 100_000_000


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
