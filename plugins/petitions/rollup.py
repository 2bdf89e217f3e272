"""信访 in the 汇总 of an upper level: the statistics of :mod:`.statistics`, per tenant,
over the petitions received in the period (one ``GROUP BY tenant_id`` per figure set).
``open_overdue`` is as of today: accepted, not replied, past the closing deadline."""

from __future__ import annotations

from sqlalchemy import or_

from core import clock
from core.i18n import N_
from core.rollup.sql import Spec, asked, by_value, count_if, figure_sets
from core.rollup.types import FigureSet, Period, Rate
from plugins.petitions.models import CHANNELS, COLLECTIVE_FROM, KINDS, Petition

RATES = (
    Rate("acceptance_rate", N_("受理率"), ("accepted",), ("decided",)),
    Rate("on_time_rate", N_("按期办结率"), ("closed_on_time",), ("closed",)),
    Rate("satisfaction_rate", N_("满意率"), ("satisfied",), ("rated",)),
    Rate("repeat_rate", N_("重复率"), ("repeat",), ("total",)),
)


def figures(tenant_ids: tuple[int, ...], period: Period) -> list[FigureSet]:
    p = Petition
    where = (
        asked(p.tenant_id, tenant_ids),
        p.received_on >= period.start,
        p.received_on <= period.end,
    )
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
    # One scan for the three sets: a province's year is millions of rows.
    channels = Spec("channels", N_("按来源"), by_value(p.channel, CHANNELS))
    kinds = Spec("kinds", N_("按性质"), by_value(p.kind, KINDS))
    return figure_sets(p.tenant_id, where, [overview, channels, kinds])
