"""信息报送 in the 汇总 of an upper level, per tenant (one ``GROUP BY tenant_id`` per
figure set): items first submitted in the period, their adoptions by the level that
adopted them (what local rules score: 采用 at county, city, province, centre) and the
leaders' instructions recorded in the period. Days are Beijing days."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from core import clock
from core.i18n import N_
from core.rollup.sql import breakdown, count_if, per_tenant
from core.rollup.types import FigureSet, Period, Rate
from plugins.reporting.models import LEVELS, Instruction, ReportItem, Submission

ADOPTED = ("adopted", "forwarded")  # a forwarded item was adopted first


def _bounds(period: Period) -> tuple[datetime, datetime]:
    start = datetime.combine(period.start, time(0), tzinfo=clock.TZ)
    return start, datetime.combine(period.end + timedelta(days=1), time(0), tzinfo=clock.TZ)


def figures(tenant_ids: tuple[int, ...], period: Period) -> list[FigureSet]:
    start, end = _bounds(period)
    i, s = ReportItem, Submission
    first_level = (s.tenant_id.in_(tenant_ids), s.level == 1)
    in_period = (s.submitted_at >= start, s.submitted_at < end)
    items = per_tenant(
        "items",
        N_("信息报送"),
        s.tenant_id,
        {
            "submitted": (N_("报送条数"), count_if(s.id.is_not(None))),
            "adopted": (N_("被采用条数"), count_if(s.state.in_(ADOPTED))),
            "declined": (N_("未采用条数"), count_if(s.state == "declined")),
            "late": (N_("迟报条数"), count_if(i.is_late)),
        },
        (*first_level, *in_period),
        rates=(Rate("adoption_rate", N_("采用率"), ("adopted",), ("submitted",)),),
        join=(i, (i.tenant_id == s.tenant_id) & (i.id == s.item_id)),
    )
    adoptions = breakdown(
        "adoptions",
        N_("采用（按采用层级）"),
        s.tenant_id,
        s.adopted_level,
        LEVELS,
        (s.tenant_id.in_(tenant_ids), s.adopted_level.is_not(None), *in_period),
    )
    n = Instruction
    instructions = per_tenant(
        "instructions",
        N_("领导批示"),
        n.tenant_id,
        {"count": (N_("获领导批示"), count_if(n.id.is_not(None)))},
        (
            n.tenant_id.in_(tenant_ids),
            n.instructed_on >= period.start,
            n.instructed_on <= period.end,
        ),
    )
    return [items, adoptions, instructions]
