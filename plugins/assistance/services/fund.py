"""The fund's double-entry ledger (帮扶基金台账), in integer 分: every posting. Its
reads (balances, the statement) are in :mod:`plugins.assistance.queries.fund`.

Chart of accounts (per tenant, provisioned on enable and on first use):

* assets: ``cash_dues`` (money that came from retained party dues, ring-fenced),
  ``cash_general`` (every other source), ``loans_receivable`` (loans not yet repaid);
* sources: ``source_dues``, ``source_fiscal``, ``source_donation``, ``source_fundraising``;
* spending: one ``expense_<grant kind>`` per grant kind, ``expense_campaign``,
  ``expense_pairing`` and ``expense_writeoff`` (loans written off).

Every posting moves ``amount_fen`` from one account to another and names the
:class:`~plugins.assistance.models.Approval` behind it. Postings are never changed or
deleted (:func:`reverse` undoes one with a new posting; PostgreSQL refuses UPDATE and
DELETE on the table by trigger).

Safety under concurrency: :func:`post` locks the two account rows (``SELECT … FOR UPDATE``,
in id order so two postings cannot deadlock on them), checks the new balances and only
then writes, so a refused posting changes nothing and two payments racing for the same
money cannot both pass. The ``balance_not_negative`` CHECK backs this up.

The dues rule (党费不得用于经济活动): money leaves ``cash_dues`` only towards relief
spending (or back to its source, reversing a receipt) — never to ``loans_receivable``.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Literal

from flask_babel import gettext as _
from sqlalchemy import select

from core import clock
from core.db import db, upsert_insert, utcnow
from core.locking import lock_for_update
from core.money import yuan
from core.serials import next_serial
from core.tenancy.scope import current_tenant_id
from core.tenancy.session import TENANT_CHECKED
from core.workflow import WorkflowError
from plugins.assistance.models import (
    CHART,
    DUES_MAY_PAY,
    SOURCES,
    SPENDING,
    Approval,
    FundAccount,
    Posting,
)
from plugins.assistance.queries.fund import accounts

if TYPE_CHECKING:
    from core.auth.users import Actor

VOUCHER_PREFIX = "PZ"

Funding = Literal["auto", "dues", "general"]


class LedgerError(WorkflowError):
    """A posting the ledger refuses (HTTP 409 through the API); nothing was written."""


class InsufficientFunds(LedgerError):
    pass


class DuesRuleViolation(LedgerError):
    pass


def ensure_accounts() -> dict[str, FundAccount]:
    """The tenant's chart of accounts, creating whatever is missing (idempotent, safe
    when two requests do it at once)."""
    statement = (
        upsert_insert(FundAccount)
        .values(
            [
                {
                    "tenant_id": current_tenant_id(),
                    "code": code,
                    "kind": kind,
                    "name": title,
                    "balance_fen": 0,
                    "created_at": utcnow(),
                }
                for code, (kind, title) in CHART.items()
            ]
        )
        .on_conflict_do_nothing(index_elements=["tenant_id", "code"])
        .execution_options(**{TENANT_CHECKED: True})
    )
    existing = accounts()
    if len(existing) < len(CHART):
        db.session.execute(statement)
        existing = accounts()
    return existing


def _delta(account: FundAccount, side: Literal["debit", "credit"], amount: int) -> int:
    """How a debit or credit moves a balance kept on the account's normal side."""
    debit_normal = account.kind in ("asset", "expense")
    return amount if (side == "debit") == debit_normal else -amount


def check_amount(amount_fen: object) -> int:
    """An amount in 分: a positive integer (no fractions of a fen, no floats)."""
    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int) or amount_fen <= 0:
        raise LedgerError(_("金额须为正整数（单位：分）"))
    return amount_fen


def post(
    debit: str,
    credit: str,
    amount_fen: int,
    approval: Approval,
    actor: Actor,
    *,
    record_id: int | None = None,
    memo: str | None = None,
    reverses: Posting | None = None,
    posted_on: date | None = None,
    purpose: str | None = None,
) -> Posting:
    """Debit ``debit`` and credit ``credit`` (account codes) with ``amount_fen``.
    Refuses (raising :class:`LedgerError`, nothing written) a non-positive or
    non-integer amount, a posting without an approval, one that would take any
    balance below zero, and dues money leaving for anything but relief.

    ``purpose`` says what the approval's money moves for; the database keeps it unique
    per approval, so the same approval cannot pay the same thing twice. It defaults to
    the two accounts: one approval (a grant's, a loan's) moves money once between them."""
    check_amount(amount_fen)
    _check_posting(debit, credit, approval)
    debit_account, credit_account = _move_balances(debit, credit, amount_fen)
    day = posted_on or clock.today()
    posting = Posting(
        voucher_no=next_serial(VOUCHER_PREFIX, width=6, year=day.year),
        posted_on=day,
        debit_account_id=debit_account.id,
        credit_account_id=credit_account.id,
        amount_fen=amount_fen,
        approval_id=approval.id,
        purpose=purpose or f"{debit}/{credit}",
        reverses_id=reverses.id if reverses is not None else None,
        record_id=record_id,
        memo=memo,
        created_by=actor.user_id,
    )
    db.session.add(posting)
    db.session.flush()
    return posting


def _move_balances(debit: str, credit: str, amount_fen: int) -> tuple[FundAccount, FundAccount]:
    """Lock both accounts and move their balances, or refuse if either would go below
    zero (nothing changed then)."""
    chart = ensure_accounts()
    locked = _locked([chart[debit].id, chart[credit].id])
    debit_account, credit_account = locked[chart[debit].id], locked[chart[credit].id]
    new_debit = debit_account.balance_fen + _delta(debit_account, "debit", amount_fen)
    new_credit = credit_account.balance_fen + _delta(credit_account, "credit", amount_fen)
    if new_debit < 0 or new_credit < 0:
        short = debit_account if new_debit < 0 else credit_account
        raise InsufficientFunds(
            _(
                "「%(account)s」余额不足：现有 %(balance)s 元",
                account=_(short.name),
                balance=yuan(short.balance_fen),
            )
        )
    debit_account.balance_fen = new_debit
    credit_account.balance_fen = new_credit
    return debit_account, credit_account


def _check_posting(debit: str, credit: str, approval: Approval | None) -> None:
    if approval is None or approval.id is None:
        raise LedgerError(_("每笔记账须有审批依据"))
    if debit == credit or debit not in CHART or credit not in CHART:
        raise LedgerError(_("记账科目不正确"))
    if credit == "cash_dues" and debit not in DUES_MAY_PAY:
        raise DuesRuleViolation(_("党费只能用于救济慰问，不得用于借款等经济活动"))


def _locked(account_ids: list[int]) -> dict[int, FundAccount]:
    """The accounts locked ``FOR UPDATE`` in id order (two postings cannot deadlock on
    them), with their balances as committed."""
    query = (
        select(FundAccount)
        .where(FundAccount.id.in_(sorted(set(account_ids))))
        .order_by(FundAccount.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return {a.id: a for a in db.session.scalars(query)}


def approve(
    kind: str,
    amount_fen: int,
    actor: Actor,
    *,
    subject_id: int | None = None,
    document_no: str | None = None,
    note: str | None = None,
) -> Approval:
    """Record the decision that allows a movement of money."""
    approval = Approval(
        kind=kind,
        subject_id=subject_id,
        amount_fen=amount_fen,
        approver_id=actor.user_id,
        approver_name=actor.name,
        approved_on=clock.today(),
        document_no=document_no,
        note=note,
    )
    db.session.add(approval)
    db.session.flush()
    return approval


# -- The movements the plugin makes -------------------------------------------------------


def receive(
    source: str, amount_fen: int, approval: Approval, actor: Actor, memo: str | None = None
) -> Posting:
    """Money received from ``source`` (dues, fiscal, donation, fundraising)."""
    if source not in SOURCES:
        raise LedgerError(_("资金来源不正确"))
    cash = "cash_dues" if source == "dues" else "cash_general"
    return post(cash, f"source_{source}", amount_fen, approval, actor, memo=memo)


def spend(
    expense: str,
    amount_fen: int,
    approval: Approval,
    actor: Actor,
    *,
    funding: Funding = "auto",
    record_id: int | None = None,
    memo: str | None = None,
    purpose: str | None = None,
) -> list[Posting]:
    """Pay relief spending. ``auto`` uses dues-sourced money first (it can pay for
    nothing else), then general money; one or two postings. An approval that pays
    several things (a campaign's, for each target) names each in ``purpose``."""
    check_amount(amount_fen)
    if expense not in SPENDING or expense == "expense_writeoff":
        raise LedgerError(_("支出科目不正确"))

    def pay(cash: str, amount: int) -> Posting:
        why = f"{purpose}/{cash}" if purpose else None
        return post(
            expense, cash, amount, approval, actor, record_id=record_id, memo=memo, purpose=why
        )

    if funding != "auto":
        return [pay("cash_dues" if funding == "dues" else "cash_general", amount_fen)]
    from_dues = _dues_share(amount_fen)
    postings = []
    if from_dues:
        postings.append(pay("cash_dues", from_dues))
    if amount_fen - from_dues:
        postings.append(pay("cash_general", amount_fen - from_dues))
    return postings


def _dues_share(amount_fen: int) -> int:
    """How much of ``amount_fen`` dues-sourced money pays (the rest is general money),
    decided on both pots locked, or :class:`InsufficientFunds`."""
    chart = ensure_accounts()
    locked = _locked([chart["cash_dues"].id, chart["cash_general"].id])
    dues, general = (locked[chart[c].id].balance_fen for c in ("cash_dues", "cash_general"))
    if dues + general < amount_fen:
        raise InsufficientFunds(
            _("帮扶基金余额不足：现有 %(balance)s 元", balance=yuan(dues + general))
        )
    return min(dues, amount_fen)


def lend(amount_fen: int, approval: Approval, actor: Actor, record_id: int, memo: str) -> Posting:
    """Disburse a loan: only from non-dues money."""
    return post(
        "loans_receivable",
        "cash_general",
        amount_fen,
        approval,
        actor,
        record_id=record_id,
        memo=memo,
    )


def repay(amount_fen: int, approval: Approval, actor: Actor, record_id: int, memo: str) -> Posting:
    """A repayment flows back into the fund's general money."""
    return post(
        "cash_general",
        "loans_receivable",
        amount_fen,
        approval,
        actor,
        record_id=record_id,
        memo=memo,
    )


def write_off(
    amount_fen: int, approval: Approval, actor: Actor, record_id: int, memo: str
) -> Posting:
    return post(
        "expense_writeoff",
        "loans_receivable",
        amount_fen,
        approval,
        actor,
        record_id=record_id,
        memo=memo,
    )


def reverse(posting: Posting, approval: Approval, actor: Actor, memo: str | None = None) -> Posting:
    """Undo ``posting`` with a new posting the other way round (冲销). Once only."""
    lock_for_update(posting)  # two identical reversals: the second sees the first
    if posting.reverses_id is not None:
        raise LedgerError(_("冲销凭证不能再冲销"))
    already = db.session.scalar(select(Posting.id).where(Posting.reverses_id == posting.id))
    if already:
        raise LedgerError(_("该凭证已冲销"))
    by_id = {a.id: a.code for a in accounts().values()}
    return post(
        by_id[posting.credit_account_id],
        by_id[posting.debit_account_id],
        posting.amount_fen,
        approval,
        actor,
        reverses=posting,
        record_id=posting.record_id,
        memo=memo or _("冲销 %(voucher)s", voucher=posting.voucher_no),
    )
