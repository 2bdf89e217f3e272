"""Pairings (结对帮扶) with their logs, and visit campaigns (走访慰问) with their targets."""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, BigId, TenantOwned, tenant_fk


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
