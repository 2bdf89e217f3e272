"""The hardship register (困难党员台账): the record, its household, the objections of
its public notice and the approvals of its identification; the lists of their choices."""

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
)
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, BigId, TenantOwned, tenant_children, tenant_fk
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
#: 一千万元: no household of a member in hardship earns more; bigger numbers are typos.
MAX_INCOME_FEN = 1_000_000_000


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

    household: Mapped[list[HouseholdMember]] = tenant_children(
        "HardshipRecord", "HouseholdMember", "record_id"
    )
    objections: Mapped[list[Objection]] = tenant_children(
        "HardshipRecord", "Objection", "record_id"
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
