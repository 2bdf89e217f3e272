"""信息报送 in the 汇总 of an upper level, per tenant (one ``GROUP BY tenant_id`` scan per
table): items first submitted (level 1) in the period with their outcome and adoptions
by the level that adopted them (what local rules score: 采用 at county, city, province,
centre), and the leaders' instructions recorded in the period. Days are Beijing days.
No points are computed: reporting keeps no scoring rules yet."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from core import clock
from core.i18n import N_
from core.rollup.sql import Spec, asked, by_value, count_if, figure_sets
from core.rollup.types import FigureSet, Period, Rate
from plugins.reporting.models import LEVELS, Instruction, ReportItem, Submission

ADOPTED = ("adopted", "forwarded")  # a forwarded item was adopted first


def _bounds(period: Period) -> tuple[datetime, datetime]:
    start = datetime.combine(period.start, time(0), tzinfo=clock.TZ)
    return start, datetime.combine(period.end + timedelta(days=1), time(0), tzinfo=clock.TZ)


def figures(tenant_ids: tuple[int, ...], period: Period) -> list[FigureSet]:
    start, end = _bounds(period)
    i, s, n = ReportItem, Submission, Instruction
    items = Spec(
        "items",
        N_("信息报送"),
        {
            "submitted": (N_("报送条数"), count_if(s.id.is_not(None))),
            "adopted": (N_("被采用条数"), count_if(s.state.in_(ADOPTED))),
            "declined": (N_("未采用条数"), count_if(s.state == "declined")),
            "late": (N_("迟报条数"), count_if(i.is_late)),
        },
        rates=(Rate("adoption_rate", N_("采用率"), ("adopted",), ("submitted",)),),
    )
    adoptions = Spec("adoptions", N_("采用（按采用层级）"), by_value(s.adopted_level, LEVELS))
    submitted = (asked(s.tenant_id, tenant_ids), s.level == 1, s.submitted_at >= start)
    instructions = Spec(
        "instructions",
        N_("领导批示"),
        {"count": (N_("获领导批示"), count_if(n.id.is_not(None)))},
    )
    in_period = (n.instructed_on >= period.start, n.instructed_on <= period.end)
    return [
        *figure_sets(
            s.tenant_id,
            (*submitted, s.submitted_at < end),
            [items, adoptions],
            join=(i, (i.tenant_id == s.tenant_id) & (i.id == s.item_id)),
        ),
        *figure_sets(n.tenant_id, (asked(n.tenant_id, tenant_ids), *in_period), [instructions]),
    ]
