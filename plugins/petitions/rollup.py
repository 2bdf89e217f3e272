"""信访 in the 汇总 of an upper level: the statistics of :mod:`.statistics`, per tenant,
over the petitions received in the period. ``open_overdue`` is as of today: accepted,
not replied, past the closing deadline.

On PostgreSQL a period of whole months reads :mod:`.month_figures` (12 rows per tenant
for a year instead of every petition) and counts live only the accepted, unreplied
petitions whose deadline has not passed; elsewhere, and for a period that cuts a month,
one ``GROUP BY tenant_id`` scan of the petitions computes the same figures."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, or_, select

from core import clock
from core.db import db
from core.i18n import N_
from core.rollup.sql import Spec, asked, by_value, count_if, figure_sets
from core.rollup.types import Figure, FigureSet, Period, Rate
from plugins.petitions.models import CHANNELS, COLLECTIVE_FROM, KINDS, Petition
from plugins.petitions.month_figures import COLUMNS, PetitionMonthFigures

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
    if db.engine.dialect.name == "postgresql" and whole_months(period):
        return monthly(tenant_ids, period)
    return counted(tenant_ids, period)


def counted(tenant_ids: tuple[int, ...], period: Period) -> list[FigureSet]:
    """Every figure from one scan of the petitions (the reference the table must equal)."""
    p = Petition
    where = (
        asked(p.tenant_id, tenant_ids),
        p.received_on >= period.start,
        p.received_on <= period.end,
    )
    # One scan for the three sets.
    return figure_sets(p.tenant_id, where, _specs())


def whole_months(period: Period) -> bool:
    return period.start.day == 1 and (period.end + timedelta(days=1)).day == 1


#: Where each figure of the sets is kept in the monthly table.
_COLUMN_OF = {
    "overview": {k: k for k in COLUMNS if not k.startswith(("channel_", "kind_", "open_"))},
    "channels": {k: f"channel_{k}" for k in CHANNELS},
    "kinds": {k: f"kind_{k}" for k in KINDS},
}


def monthly(tenant_ids: tuple[int, ...], period: Period) -> list[FigureSet]:
    """The same figures from the monthly table and one narrow count of the day."""
    m = PetitionMonthFigures
    sums = [func.sum(getattr(m, c)) for c in COLUMNS]
    rows = db.session.execute(
        select(m.tenant_id, *sums)
        .where(asked(m.tenant_id, tenant_ids), m.month >= period.start, m.month <= period.end)
        .group_by(m.tenant_id)
    )
    stored = {int(t): dict(zip(COLUMNS, (int(v or 0) for v in vs), strict=True)) for t, *vs in rows}
    not_due = _not_yet_due(tenant_ids, period)
    result = []
    for spec in _specs():
        columns = _COLUMN_OF[spec.key]
        values = {}
        for tenant, row in stored.items():
            line = {k: row[columns[k]] for k in spec.columns if k in columns}
            if spec.key == "overview":
                line["open_overdue"] = row["open_dated"] - not_due.get(tenant, 0)
            values[tenant] = line
        result.append(
            FigureSet(
                spec.key,
                spec.title,
                tuple(_figure(spec, k) for k in spec.columns),
                spec.rates,
                values,
            )
        )
    return result


def _figure(spec: Spec, key: str) -> Figure:
    return Figure(key, spec.columns[key][0], "money" if key in spec.money else "count")


def _not_yet_due(tenant_ids: tuple[int, ...], period: Period) -> dict[int, int]:
    """Accepted, unreplied petitions of the period whose closing deadline is today or
    later (``open_dated`` less these is 未办结且已超期): the partial index's rows."""
    p = Petition
    rows = db.session.execute(
        select(p.tenant_id, func.count())
        .where(
            asked(p.tenant_id, tenant_ids),
            p.accepted_on.is_not(None),
            p.replied_on.is_(None),
            p.close_due >= clock.today(),
            p.received_on >= period.start,
            p.received_on <= period.end,
        )
        .group_by(p.tenant_id)
    )
    return {int(t): int(n) for t, n in rows}
