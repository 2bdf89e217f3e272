"""The fund's double-entry ledger (帮扶基金台账), in integer 分.

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

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Literal

from flask_babel import gettext as _
from sqlalchemy import and_, case, false, func, select, true

from core import clock
from core.db import db, upsert_insert, utcnow
from core.i18n import N_
from core.locking import lock_for_update
from core.serials import next_serial
from core.tenancy.scope import current_tenant_id
from core.tenancy.session import TENANT_CHECKED
from core.workflow import WorkflowError
from plugins.assistance.models import GRANT_KINDS, Approval, FundAccount, Posting

if TYPE_CHECKING:
    from core.auth.users import Actor

VOUCHER_PREFIX = "PZ"

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


def accounts() -> dict[str, FundAccount]:
    rows = db.session.scalars(select(FundAccount).order_by(FundAccount.id))
    return {a.code: a for a in rows}


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
    if approval is None or approval.id is None:
        raise LedgerError(_("每笔记账须有审批依据"))
    if debit == credit or debit not in CHART or credit not in CHART:
        raise LedgerError(_("记账科目不正确"))
    if credit == "cash_dues" and debit not in DUES_MAY_PAY:
        raise DuesRuleViolation(_("党费只能用于救济慰问，不得用于借款等经济活动"))
    chart = ensure_accounts()
    ids = sorted({chart[debit].id, chart[credit].id})
    locked = {
        a.id: a
        for a in db.session.scalars(
            select(FundAccount)
            .where(FundAccount.id.in_(ids))
            .order_by(FundAccount.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    }
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
    chart = ensure_accounts()
    # Lock both pots before deciding the split, so the split is decided on fresh balances.
    pots = {
        a.code: a
        for a in db.session.scalars(
            select(FundAccount)
            .where(FundAccount.id.in_([chart["cash_dues"].id, chart["cash_general"].id]))
            .order_by(FundAccount.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    }
    if pots["cash_dues"].balance_fen + pots["cash_general"].balance_fen < amount_fen:
        raise InsufficientFunds(
            _(
                "帮扶基金余额不足：现有 %(balance)s 元",
                balance=yuan(pots["cash_dues"].balance_fen + pots["cash_general"].balance_fen),
            )
        )
    from_dues = min(pots["cash_dues"].balance_fen, amount_fen)
    postings = []
    if from_dues:
        postings.append(pay("cash_dues", from_dues))
    if amount_fen - from_dues:
        postings.append(pay("cash_general", amount_fen - from_dues))
    return postings


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


# -- Statements ---------------------------------------------------------------------------


@dataclass(frozen=True)
class StatementLine:
    code: str
    name: str
    kind: str
    opening_fen: int
    debit_fen: int
    credit_fen: int
    closing_fen: int
    balance_fen: int  # the account's stored balance now

    @property
    def increase_fen(self) -> int:
        return self.debit_fen if self.kind in ("asset", "expense") else self.credit_fen

    @property
    def decrease_fen(self) -> int:
        return self.credit_fen if self.kind in ("asset", "expense") else self.debit_fen


@dataclass(frozen=True)
class Statement:
    start: date | None
    end: date | None
    lines: list[StatementLine]

    def line(self, code: str) -> StatementLine:
        return next(line for line in self.lines if line.code == code)

    @property
    def fund_balance_fen(self) -> int:
        """Money in the fund at the end of the period (both pots)."""
        return self.line("cash_dues").closing_fen + self.line("cash_general").closing_fen

    @property
    def income_lines(self) -> list[StatementLine]:
        return [line for line in self.lines if line.kind == "source"]

    @property
    def spending_lines(self) -> list[StatementLine]:
        return [line for line in self.lines if line.kind == "expense"]

    @property
    def repayments_fen(self) -> int:
        return self.line("loans_receivable").credit_fen

    @property
    def lent_fen(self) -> int:
        return self.line("loans_receivable").debit_fen


def statement(start: date | None = None, end: date | None = None) -> Statement:
    """Per account: opening balance before ``start``, debits and credits within
    [start, end], closing balance — all summed from the postings in one query, so the
    statement reconciles with the postings by construction; ``balance_fen`` is the stored
    balance to compare with."""
    chart = ensure_accounts()

    before = Posting.posted_on < start if start else false()
    within = and_(
        Posting.posted_on >= start if start else true(),
        Posting.posted_on <= end if end else true(),
    )
    rows: dict[int, list[int]] = {}
    for index, column in enumerate((Posting.debit_account_id, Posting.credit_account_id)):
        query = select(
            column,
            func.coalesce(func.sum(case((before, Posting.amount_fen), else_=0)), 0),
            func.coalesce(func.sum(case((within, Posting.amount_fen), else_=0)), 0),
        ).group_by(column)
        for account_id, opening, moved in db.session.execute(query):
            sums = rows.setdefault(account_id, [0, 0, 0, 0])
            sums[index] += int(opening)
            sums[2 + index] += int(moved)
    lines = []
    for code, account in chart.items():
        o_d, o_c, p_d, p_c = rows.get(account.id, (0, 0, 0, 0))
        sign = 1 if account.kind in ("asset", "expense") else -1
        opening = sign * (o_d - o_c)
        closing = opening + sign * (p_d - p_c)
        lines.append(
            StatementLine(
                code, _(account.name), account.kind, opening, p_d, p_c, closing, account.balance_fen
            )
        )
    return Statement(start, end, lines)


def yuan(fen: int) -> str:
    """分 as yuan with two decimals, exactly (no float)."""
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}{fen // 100:,}.{fen % 100:02d}"
