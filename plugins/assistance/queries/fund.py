"""Reads of the fund: the accounts with their balances and the statement (收支明细表).
The chart of accounts is declared in :mod:`plugins.assistance.models`; postings are
written only by :mod:`plugins.assistance.services.fund`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import and_, case, false, func, select, true

from core.db import db
from plugins.assistance.models import CHART, FundAccount, Posting


def accounts() -> dict[str, FundAccount]:
    """The tenant's accounts by code (provisioned when the plugin is enabled)."""
    rows = db.session.scalars(select(FundAccount).order_by(FundAccount.id))
    return {a.code: a for a in rows}


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
    chart = accounts()
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
    for code, (kind, title) in CHART.items():
        account = chart.get(code)  # an account not provisioned yet has moved nothing
        o_d, o_c, p_d, p_c = rows.get(account.id, (0, 0, 0, 0)) if account else (0, 0, 0, 0)
        sign = 1 if kind in ("asset", "expense") else -1
        opening = sign * (o_d - o_c)
        closing = opening + sign * (p_d - p_c)
        balance = account.balance_fen if account else 0
        lines.append(StatementLine(code, _(title), kind, opening, p_d, p_c, closing, balance))
    return Statement(start, end, lines)
