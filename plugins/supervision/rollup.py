"""督查督办 in the 汇总 of an upper level: the items due in the period, per tenant.
Completion counts items closed (办结、评价、归档); on time, closed on or before the
deadline. The lights are today's, of the items still open, and use the requesting
level's warning window for every tenant so that a row means the same in every branch.

On PostgreSQL a period of whole months reads ``SupervisionRollupFigures`` (one row per
tenant for a year) and lights live only the open items not yet due (an item past its
deadline is red whatever else holds); elsewhere, and for a period that cuts a month,
one ``GROUP BY tenant_id`` scan of the items computes the same figures."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, or_, select

from core.db import db
from core.i18n import N_
from core.rollup.period import spans_of
from core.rollup.sql import Spec, asked, count_if, figure_sets
from core.rollup.types import Figure, FigureSet, Period, Rate
from core.tenancy.models import Tenant
from core.tenancy.scope import current_tenant_id
from plugins.supervision.models import (
    CLOSED_STATES,
    OPEN_STATES,
    SupervisionItem,
    SupervisionRollupFigures,
)
from plugins.supervision.queries.lights import Window, light_expression, window_for

RATES = (
    Rate("completion_rate", N_("办结率"), ("closed",), ("total",)),
    Rate("on_time_rate", N_("按期办结率"), ("closed_on_time",), ("closed",)),
)
#: Kept in the table; the rest of the set depends on the day.
STORED = ("total", "closed", "closed_on_time", "open")


def _spec(window: Window) -> Spec:
    i = SupervisionItem
    closed = i.state.in_(CLOSED_STATES)
    light = light_expression(window)
    return Spec(
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


def _window() -> Window:
    # The tenant in scope is the level asking (the cross-tenant scope keeps it).
    return window_for(db.session.get(Tenant, current_tenant_id()))


def figures(tenant_ids: tuple[int, ...], period: Period) -> list[FigureSet]:
    spans = spans_of(period) if db.engine.dialect.name == "postgresql" else None
    return stored(tenant_ids, period, spans) if spans else counted(tenant_ids, period)


def _in_period(tenant_ids: tuple[int, ...], period: Period) -> tuple:
    i = SupervisionItem
    return (asked(i.tenant_id, tenant_ids), i.deadline >= period.start, i.deadline <= period.end)


def counted(tenant_ids: tuple[int, ...], period: Period) -> list[FigureSet]:
    """Every figure from one scan of the items (the reference the table must equal)."""
    i = SupervisionItem
    return figure_sets(i.tenant_id, _in_period(tenant_ids, period), [_spec(_window())])


def stored(
    tenant_ids: tuple[int, ...], period: Period, spans: list[tuple[str, date]]
) -> list[FigureSet]:
    """The same figures: the table's sums, and the open items not yet due lit live.

    These statements leave the tenants to the scope's criterion alone (the roll-up's
    cross-tenant scope opens exactly the subtree) and keep the tenants asked about here:
    a second list of 3,000 tenants on the same column made PostgreSQL 15 cost an index
    scan as every pair of the two lists and scan the whole table instead."""
    window = _window()
    spec = _spec(window)
    m, i = SupervisionRollupFigures, SupervisionItem
    covering = or_(*((m.span == span) & (m.start == start) for span, start in spans))
    rows = db.session.execute(
        select(m.tenant_id, *(func.sum(getattr(m, c)) for c in STORED))
        .where(covering)
        .group_by(m.tenant_id)
    )
    wanted = set(tenant_ids)
    values = {
        int(t): dict(zip(STORED, (int(v or 0) for v in vs), strict=True))
        for t, *vs in rows
        if t in wanted
    }
    where = (
        i.deadline >= max(window.today, period.start),
        i.deadline <= period.end,
        i.state.in_(OPEN_STATES),
    )
    ahead = _lit_ahead(window, where)
    for tenant, line in values.items():
        not_due, red, yellow, green = ahead.get(tenant, (0, 0, 0, 0))
        line["overdue"] = line["open"] - not_due
        line["red"] = line["overdue"] + red
        line["yellow"], line["green"] = yellow, green
    figures = tuple(Figure(k, title) for k, (title, _agg) in spec.columns.items())
    return [FigureSet(spec.key, spec.title, figures, spec.rates, values)]


def _lit_ahead(window: Window, where: tuple) -> dict[int, tuple[int, int, int, int]]:
    """Per tenant: the open items not yet due and how many are red, yellow and green.
    Each item's light is computed once in a sub-select and counted outside (counting
    per colour inline repeated the light's two milestone look-ups per colour)."""
    i = SupervisionItem
    lit = (
        select(i.tenant_id.label("tenant_id"), light_expression(window).label("light"))
        .where(*where)
        .offset(0)  # kept a sub-select: flattened, PostgreSQL repeats the light per colour
        .subquery()
    )
    colours = [func.count().filter(lit.c.light == c) for c in ("red", "yellow", "green")]
    rows = db.session.execute(
        select(lit.c.tenant_id, func.count(), *colours).group_by(lit.c.tenant_id)
    )
    return {int(t): (int(n), int(r), int(y), int(g)) for t, n, r, y, g in rows}
