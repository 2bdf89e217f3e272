"""党内关怀帮扶 in the 汇总 of an upper level, per tenant (one ``GROUP BY tenant_id`` per
figure set): the register by level as it stands now, grants paid and campaign deliveries
in the period (count and 分), loans outstanding now and those in arrears (an instalment
past due and not fully paid)."""

from __future__ import annotations

from sqlalchemy import distinct, func

from core import clock
from core.i18n import N_
from core.rollup.sql import breakdown, count_if, per_tenant, sum_if
from core.rollup.types import FigureSet, Period
from plugins.assistance.models import (
    LEVELS,
    CampaignTarget,
    Grant,
    HardshipRecord,
    Instalment,
    Loan,
)
from plugins.assistance.workflow import ON_REGISTER


def figures(tenant_ids: tuple[int, ...], period: Period) -> list[FigureSet]:
    r, g, c = HardshipRecord, Grant, CampaignTarget
    register = breakdown(
        "register",
        N_("在册困难党员（按困难程度）"),
        r.tenant_id,
        r.level,
        LEVELS,
        (r.tenant_id.in_(tenant_ids), r.state.in_(ON_REGISTER)),
    )
    paid = g.paid_on.is_not(None) & (g.paid_on >= period.start) & (g.paid_on <= period.end)
    grants = per_tenant(
        "grants",
        N_("帮扶资金发放"),
        g.tenant_id,
        {
            "count": (N_("发放笔数"), count_if(paid)),
            "amount_fen": (N_("发放金额"), sum_if(paid, g.amount_fen)),
        },
        (g.tenant_id.in_(tenant_ids),),
        money=("amount_fen",),
    )
    delivered = (c.delivered_on >= period.start) & (c.delivered_on <= period.end)
    deliveries = per_tenant(
        "campaigns",
        N_("走访慰问送达"),
        c.tenant_id,
        {
            "count": (N_("送达人次"), count_if(delivered)),
            "amount_fen": (N_("慰问金额"), sum_if(delivered, c.amount_fen)),
        },
        (c.tenant_id.in_(tenant_ids), c.delivered_on.is_not(None)),
        money=("amount_fen",),
    )
    return [register, grants, deliveries, _loans(tenant_ids)]


def _loans(tenant_ids: tuple[int, ...]) -> FigureSet:
    loan, inst = Loan, Instalment
    outstanding = per_tenant(
        "loans",
        N_("借款"),
        loan.tenant_id,
        {
            "outstanding": (N_("在借笔数"), func.count(loan.id)),
            "outstanding_fen": (
                N_("借款余额"),
                func.coalesce(
                    func.sum(loan.amount_fen - loan.repaid_fen - loan.written_off_fen), 0
                ),
            ),
        },
        (loan.tenant_id.in_(tenant_ids), loan.state == "disbursed"),
        money=("outstanding_fen",),
    )
    late = per_tenant(
        "arrears",
        N_("逾期"),
        inst.tenant_id,
        {
            "in_arrears": (N_("逾期笔数"), func.count(distinct(inst.loan_id))),
            "arrears_fen": (N_("逾期金额"), func.sum(inst.amount_fen - inst.paid_fen)),
        },
        (
            inst.tenant_id.in_(tenant_ids),
            inst.due_on < clock.today(),
            inst.paid_fen < inst.amount_fen,
        ),
        money=("arrears_fen",),
    )
    # One set on the page: the loans and their arrears side by side.
    values = {
        t: {**outstanding.values.get(t, {}), **late.values.get(t, {})}
        for t in {*outstanding.values, *late.values}
    }
    return FigureSet("loans", N_("小额借款"), outstanding.figures + late.figures, (), values)
