"""党内关怀帮扶 in the 汇总 of an upper level, per tenant (one ``GROUP BY tenant_id`` scan
per table): the register by level and by cause as it stands now, the fund's income by
source and spending by purpose in the period with its balance at the period's end (as
the 收支明细表 computes them, from the postings), grants paid and campaign deliveries in
the period (count and 分), loans outstanding now and those in arrears (an instalment
past due and not fully paid)."""

from __future__ import annotations

from sqlalchemy import String, cast, distinct, func
from sqlalchemy.orm import aliased

from core import clock
from core.i18n import N_
from core.rollup.sql import Spec, asked, by_value, count_if, figure_sets, sum_if
from core.rollup.types import FigureSet, Period
from plugins.assistance.models import (
    CAUSES,
    CHART,
    LEVELS,
    SOURCES,
    SPENDING,
    CampaignTarget,
    FundAccount,
    Grant,
    HardshipRecord,
    Instalment,
    Loan,
    Posting,
)
from plugins.assistance.queries.records import ON_REGISTER


def figures(tenant_ids: tuple[int, ...], period: Period) -> list[FigureSet]:
    r, g, c = HardshipRecord, Grant, CampaignTarget
    register = Spec("register", N_("在册困难党员（按困难程度）"), by_value(r.level, LEVELS))
    causes = Spec("causes", N_("在册困难党员（按致困原因）"), _by_cause(r))
    paid = (g.paid_on >= period.start) & (g.paid_on <= period.end)
    grants = Spec(
        "grants",
        N_("帮扶资金发放"),
        {
            "count": (N_("发放笔数"), count_if(paid)),
            "amount_fen": (N_("发放金额"), sum_if(paid, g.amount_fen)),
        },
        money=("amount_fen",),
    )
    delivered = (c.delivered_on >= period.start) & (c.delivered_on <= period.end)
    deliveries = Spec(
        "campaigns",
        N_("走访慰问送达"),
        {
            "count": (N_("送达人次"), count_if(delivered)),
            "amount_fen": (N_("慰问金额"), sum_if(delivered, c.amount_fen)),
        },
        money=("amount_fen",),
    )
    return [
        *figure_sets(
            r.tenant_id,
            (asked(r.tenant_id, tenant_ids), r.state.in_(ON_REGISTER)),
            [register, causes],
        ),
        _fund(tenant_ids, period),
        *figure_sets(
            g.tenant_id, (asked(g.tenant_id, tenant_ids), g.paid_on.is_not(None)), [grants]
        ),
        *figure_sets(
            c.tenant_id, (asked(c.tenant_id, tenant_ids), c.delivered_on.is_not(None)), [deliveries]
        ),
        _loans(tenant_ids),
    ]


def _by_cause(r: type[HardshipRecord]) -> dict[str, tuple[str, object]]:
    """A record counts once under each of its causes (as the register's 统计 counts them).
    ``causes`` is a JSON list of codes: its text holds ``"code"`` exactly when the list
    does (the codes are validated and none is quoted inside another), on every dialect."""
    text = cast(r.causes, String)
    return {k: (t, count_if(text.like(f'%"{k}"%'))) for k, t in CAUSES.items()}


def _fund(tenant_ids: tuple[int, ...], period: Period) -> FigureSet:
    """The fund's period: income per source (credits to its account, less reversals),
    spending per purpose (debits, less reversals), and the money in both pots at the end,
    from one scan of the postings up to the period's end."""
    p, debit, credit = Posting, aliased(FundAccount), aliased(FundAccount)
    within = (p.posted_on >= period.start) & (p.posted_on <= period.end)

    def moved(code: str, into: type[FundAccount], out: type[FundAccount]) -> object:
        return sum_if(within & (into.code == code), p.amount_fen) - sum_if(
            within & (out.code == code), p.amount_fen
        )

    cash = [
        code for code, (kind, _t) in CHART.items() if kind == "asset" and code.startswith("cash_")
    ]
    columns = {
        **{f"income_{k}": (t, moved(f"source_{k}", credit, debit)) for k, t in SOURCES.items()},
        **{k: (t, moved(k, debit, credit)) for k, t in SPENDING.items()},
        "balance_fen": (
            N_("期末基金余额"),
            sum_if(debit.code.in_(cash), p.amount_fen)
            - sum_if(credit.code.in_(cash), p.amount_fen),
        ),
    }
    [found] = figure_sets(
        p.tenant_id,
        (asked(p.tenant_id, tenant_ids), p.posted_on <= period.end),
        [Spec("fund", N_("帮扶基金收支"), columns, money=tuple(columns))],
        joins=(
            (debit, (debit.tenant_id == p.tenant_id) & (debit.id == p.debit_account_id)),
            (credit, (credit.tenant_id == p.tenant_id) & (credit.id == p.credit_account_id)),
        ),
    )
    return found


#: Loans still out, with what they still owe.
OUTSTANDING = Spec(
    "loans",
    N_("小额借款"),
    {
        "outstanding": (N_("在借笔数"), func.count(Loan.id)),
        "outstanding_fen": (
            N_("借款余额"),
            func.coalesce(func.sum(Loan.amount_fen - Loan.repaid_fen - Loan.written_off_fen), 0),
        ),
    },
    money=("outstanding_fen",),
)
#: Instalments due and not (fully) paid.
ARREARS = Spec(
    "arrears",
    N_("逾期"),
    {
        "in_arrears": (N_("逾期笔数"), func.count(distinct(Instalment.loan_id))),
        "arrears_fen": (N_("逾期金额"), func.sum(Instalment.amount_fen - Instalment.paid_fen)),
    },
    money=("arrears_fen",),
)


def _loans(tenant_ids: tuple[int, ...]) -> FigureSet:
    loan, inst = Loan, Instalment
    [outstanding] = figure_sets(
        loan.tenant_id,
        (asked(loan.tenant_id, tenant_ids), loan.state == "disbursed"),
        [OUTSTANDING],
    )
    [late] = figure_sets(
        inst.tenant_id,
        (
            asked(inst.tenant_id, tenant_ids),
            inst.due_on < clock.today(),
            inst.paid_fen < inst.amount_fen,
        ),
        [ARREARS],
    )
    # One set on the page: the loans and their arrears side by side.
    values = {
        t: {**outstanding.values.get(t, {}), **late.values.get(t, {})}
        for t in {*outstanding.values, *late.values}
    }
    return FigureSet("loans", N_("小额借款"), outstanding.figures + late.figures, (), values)
