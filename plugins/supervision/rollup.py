"""督查督办 in the 汇总 of an upper level: the items due in the period, per tenant (one
``GROUP BY tenant_id`` per figure set). Completion counts items closed (办结、评价、归档);
on time, closed on or before the deadline. The lights are today's, of the items still
open, and use the requesting level's warning window for every tenant so that a row
means the same in every branch."""

from __future__ import annotations

from core.db import db
from core.i18n import N_
from core.rollup.sql import Spec, asked, count_if, figure_sets
from core.rollup.types import FigureSet, Period, Rate
from core.tenancy.models import Tenant
from core.tenancy.scope import current_tenant_id
from plugins.supervision.models import CLOSED_STATES, OPEN_STATES, SupervisionItem
from plugins.supervision.queries.lights import light_expression, window_for

RATES = (
    Rate("completion_rate", N_("办结率"), ("closed",), ("total",)),
    Rate("on_time_rate", N_("按期办结率"), ("closed_on_time",), ("closed",)),
)


def figures(tenant_ids: tuple[int, ...], period: Period) -> list[FigureSet]:
    # The tenant in scope is the level asking (the cross-tenant scope keeps it).
    window = window_for(db.session.get(Tenant, current_tenant_id()))
    i = SupervisionItem
    where = (asked(i.tenant_id, tenant_ids), i.deadline >= period.start, i.deadline <= period.end)
    closed = i.state.in_(CLOSED_STATES)
    light = light_expression(window)
    items = Spec(
        "items",
        N_("督办事项"),
        {
            "total": (N_("到期事项"), count_if(i.id.is_not(None))),
            "closed": (N_("已办结"), count_if(closed)),
            "closed_on_time": (N_("按期办结"), count_if(closed & (i.closed_on <= i.deadline))),
            "open": (N_("未办结"), count_if(i.state.in_(OPEN_STATES))),
            "overdue": (
                N_("已超期未办结"),
                count_if(i.state.in_(OPEN_STATES) & (i.deadline < window.today)),
            ),
            "red": (N_("红灯"), count_if(light == "red")),
            "yellow": (N_("黄灯"), count_if(light == "yellow")),
            "green": (N_("绿灯"), count_if(light == "green")),
        },
        rates=RATES,
    )
    return figure_sets(i.tenant_id, where, [items])
