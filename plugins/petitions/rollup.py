"""信访 in the 汇总 of an upper level: the statistics of :mod:`.statistics`, per tenant,
over the petitions received in the period. ``open_overdue`` is as of today: accepted,
not replied, past the closing deadline.

On PostgreSQL a period of whole months reads :mod:`.month_figures` (one row per tenant
for a year instead of every petition) and counts live only this month's open petitions
not yet due; elsewhere, and for a period that cuts a month, one ``GROUP BY tenant_id``
scan of the petitions computes the same figures."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, or_, select

from core import clock
from core.calendar import add_months
from core.db import db
from core.i18n import N_
from core.rollup.period import spans_of
from core.rollup.sql import Spec, asked, by_value, count_if, figure_sets
from core.rollup.types import Figure, FigureSet, Period, Rate
from plugins.petitions.models import CHANNELS, COLLECTIVE_FROM, KINDS, Petition
from plugins.petitions.month_figures import (
    COLUMNS,
    OVERVIEW,
    PetitionOpenFigures,
    PetitionRollupFigures,
)

RATES = (
    Rate("acceptance_rate", N_("受理率"), ("accepted",), ("decided",)),
    Rate("on_time_rate", N_("按期办结率"), ("closed_on_time",), ("closed",)),
    Rate("satisfaction_rate", N_("满意率"), ("satisfied",), ("rated",)),
    Rate("repeat_rate", N_("重复率"), ("repeat",), ("total",)),
)


def _specs() -> list[Spec]:
    p = Petition
    replied = p.replied_on.is_not(None)
    overview = Spec(
        "overview",
        N_("信访概况"),
        {
            "total": (N_("收到信访件"), count_if(p.id.is_not(None))),
            "decided": (N_("已作出受理决定"), count_if(p.decided_on.is_not(None))),
            "accepted": (N_("予以受理"), count_if(p.accepted_on.is_not(None))),
            "closed": (N_("办结"), count_if(replied)),
            # As 信访统计 counts it: a reply with no closing deadline is not late.
            "closed_on_time": (
                N_("按期办结"),
                count_if(replied & or_(p.close_due.is_(None), p.replied_on <= p.close_due)),
            ),
            "open_overdue": (
                N_("未办结且已超期"),
                count_if(p.accepted_on.is_not(None) & ~replied & (p.close_due < clock.today())),
            ),
            "rated": (N_("已评价"), count_if(p.satisfaction.is_not(None))),
            "satisfied": (
                N_("满意和基本满意"),
                count_if(p.satisfaction.in_(("satisfied", "basically_satisfied"))),
            ),
            "repeat": (N_("重复件"), count_if(p.repeat_of_id.is_not(None))),
            "collective": (N_("集体访（信）"), count_if(p.people_count >= COLLECTIVE_FROM)),
            "bypassed_level": (N_("越级访（信）"), count_if(p.is_bypassed_level)),
        },
        rates=RATES,
    )
    channels = Spec("channels", N_("按来源"), by_value(p.channel, CHANNELS))
    kinds = Spec("kinds", N_("按性质"), by_value(p.kind, KINDS))
    return [overview, channels, kinds]


def figures(tenant_ids: tuple[int, ...], period: Period) -> list[FigureSet]:
    spans = spans_of(period) if db.engine.dialect.name == "postgresql" else None
    return stored(tenant_ids, period, spans) if spans else counted(tenant_ids, period)


def counted(tenant_ids: tuple[int, ...], period: Period) -> list[FigureSet]:
    """Every figure from one scan of the petitions (the reference the tables must equal)."""
    p = Petition
    where = (
        asked(p.tenant_id, tenant_ids),
        p.received_on >= period.start,
        p.received_on <= period.end,
    )
    # One scan for the three sets.
    return figure_sets(p.tenant_id, where, _specs())


#: Where each figure of the sets is kept in the table.
_COLUMN_OF = {
    "overview": {k: k for k in OVERVIEW},
    "channels": {k: f"channel_{k}" for k in CHANNELS},
    "kinds": {k: f"kind_{k}" for k in KINDS},
}


def stored(
    tenant_ids: tuple[int, ...], period: Period, spans: list[tuple[str, date]]
) -> list[FigureSet]:
    """The same figures from the tables of :mod:`.month_figures` (one row per tenant and
    span) and one narrow live count of the day's part of 未办结且已超期.

    These statements leave the tenants to the scope's criterion alone (the roll-up's
    cross-tenant scope opens exactly the subtree) and keep the tenants asked about here:
    a second list of 3,000 tenants on the same column made PostgreSQL 15 cost an index
    scan as every pair of the two lists and scan the whole table instead (1.1 s)."""
    m = PetitionRollupFigures
    rows = db.session.execute(
        select(m.tenant_id, *(func.sum(getattr(m, c)) for c in COLUMNS))
        .where(_covering(m, spans))
        .group_by(m.tenant_id)
    )
    wanted = set(tenant_ids)
    sums = {
        int(t): dict(zip(COLUMNS, (int(v or 0) for v in vs), strict=True))
        for t, *vs in rows
        if t in wanted
    }
    overdue = _open_overdue(tenant_ids, period, spans)
    result = []
    for spec in _specs():
        columns = _COLUMN_OF[spec.key]
        values = {}
        for tenant, row in sums.items():
            values[tenant] = {k: row[columns[k]] for k in spec.columns if k in columns}
            if spec.key == "overview":
                values[tenant]["open_overdue"] = overdue.get(tenant, 0)
        figures = tuple(Figure(k, title, "count") for k, (title, _agg) in spec.columns.items())
        result.append(FigureSet(spec.key, spec.title, figures, spec.rates, values))
    return result


def _covering(table, spans: list[tuple[str, date]]):
    return or_(*((table.span == span) & (table.start == start) for span, start in spans))


def _open_overdue(
    tenant_ids: tuple[int, ...], period: Period, spans: list[tuple[str, date]]
) -> dict[int, int]:
    """Open petitions whose deadline month is this month or earlier (stored), less those
    of this month not yet due (live, over the partial index's rows of one month)."""
    o, p = PetitionOpenFigures, Petition
    today = clock.today()
    next_month = add_months(today.replace(day=1), 1)
    found: dict[int, int] = {}
    stored_rows = db.session.execute(
        select(o.tenant_id, func.sum(o.open_dated))
        .where(_covering(o, spans), o.due_month < next_month)
        .group_by(o.tenant_id)
    )
    for tenant, n in stored_rows:
        found[int(tenant)] = int(n or 0)
    not_due = db.session.execute(
        select(p.tenant_id, func.count())
        .where(
            p.accepted_on.is_not(None),
            p.replied_on.is_(None),
            p.close_due >= today,
            p.close_due < next_month,
            p.received_on >= period.start,
            p.received_on <= period.end,
        )
        .group_by(p.tenant_id)
    )
    for tenant, n in not_due:
        found[int(tenant)] = found.get(int(tenant), 0) - int(n)
    return found
