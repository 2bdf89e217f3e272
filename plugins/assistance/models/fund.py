"""The fund's double-entry ledger (帮扶基金): its chart of accounts, the accounts and
the immutable postings."""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, BigId, TenantOwned, tenant_fk
from core.i18n import N_
from plugins.assistance.models.aid import GRANT_KINDS

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


@event.listens_for(Posting, "before_update")
@event.listens_for(Posting, "before_delete")
def _postings_are_immutable(_mapper, _connection, target: Posting) -> None:
    # PostgreSQL refuses it by trigger too; this catches it on SQLite and earlier.
    raise RuntimeError("assistance postings are immutable: post a reversal instead")
