"""信访统计: counts and rates of the petitions received in a period, set-based.

One aggregate query gives the totals and rates (SUM(CASE …) over the period's rows) and
one GROUP BY query each gives the breakdowns by channel, kind, category, state, month,
handler and — for a parent tenant that includes its lower levels — unit. Nothing loops
over petitions in Python.

Definitions (over petitions *received* in the period):

* accepted — accepted at some point (``accepted_on`` set); not accepted — refused with
  a reason; decided — any screening decision taken (``decided_on`` set);
* closed — replied to (``replied_on`` set); on time — replied on or before the closing
  deadline, overdue — after it; still open and past the deadline — ``open_overdue``;
* satisfaction rate — (满意 + 基本满意) / rated;
* collective — five or more people; bypassed level — 越级; repeat — linked to an
  earlier petition of the same person about the same matter.

A parent tenant may include its lower levels (every descendant that enables the plugin)
through :func:`core.tenancy.scope.cross_tenant_scope`, which audits the read.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import case, extract, func, select

from core import clock
from core.auth.models import User
from core.calendar import add_months
from core.db import db
from core.i18n import N_
from core.plugins.manager import is_enabled
from core.tenancy.models import Tenant
from core.tenancy.scope import cross_tenant_scope
from plugins.petitions.models import (
    CHANNELS,
    COLLECTIVE_FROM,
    KINDS,
    Petition,
    PetitionCategory,
)
from plugins.petitions.permissions import STATISTICS
from plugins.petitions.workflow import STATES

PERMISSION = STATISTICS


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive
    title: str

    def year_before(self) -> Period:
        return Period(add_months(self.start, -12), add_months(self.end, -12), "")


def resolve_period(query: dict[str, Any], today: date | None = None) -> Period:
    today = today or clock.today()
    kind = query.get("period", "month")
    year = query.get("year") or today.year
    if kind == "range":
        start, end = query["date_from"], query["date_to"]
        return Period(start, end, f"{start.isoformat()} — {end.isoformat()}")
    if kind == "year":
        return Period(date(year, 1, 1), date(year, 12, 31), _("%(year)s年", year=year))
    if kind == "quarter":
        quarter = query.get("quarter") or (today.month - 1) // 3 + 1
        start = date(year, 3 * quarter - 2, 1)
        end = add_months(start, 3) - timedelta(days=1)
        return Period(start, end, _("%(year)s年第%(q)s季度", year=year, q=quarter))
    month = query.get("month") or today.month
    start = date(year, month, 1)
    return Period(
        start, add_months(start, 1) - timedelta(days=1), _("%(year)s年%(m)s月", year=year, m=month)
    )


@dataclass
class Bucket:
    key: str
    title: str
    count: int


@dataclass
class Statistics:
    period: Period
    units: list[dict[str, Any]]
    totals: dict[str, int]
    rates: dict[str, float | None]
    previous_year_total: int
    by_channel: list[Bucket] = field(default_factory=list)
    by_kind: list[Bucket] = field(default_factory=list)
    by_category: list[Bucket] = field(default_factory=list)
    by_state: list[Bucket] = field(default_factory=list)
    by_month: list[Bucket] = field(default_factory=list)
    by_handler: list[Bucket] = field(default_factory=list)
    by_unit: list[Bucket] = field(default_factory=list)

    @property
    def date_from(self) -> date:
        return self.period.start

    @property
    def date_to(self) -> date:
        return self.period.end

    @property
    def title(self) -> str:
        return self.period.title


#: The totals, in the order reports print them, with their titles.
TOTALS = {
    "total": N_("收到信访件"),
    "decided": N_("已作出受理决定"),
    "accepted": N_("予以受理"),
    "not_accepted": N_("不予受理"),
    "forwarded": N_("转送有关机关"),
    "assigned": N_("交办下级单位"),
    "closed": N_("办结"),
    "closed_on_time": N_("按期办结"),
    "closed_overdue": N_("超期办结"),
    "open_overdue": N_("未办结且已超期"),
    "rated": N_("已评价"),
    "satisfied": N_("满意"),
    "basically_satisfied": N_("基本满意"),
    "dissatisfied": N_("不满意"),
    "collective": N_("集体访（信）"),
    "bypassed_level": N_("越级访（信）"),
    "repeat": N_("重复件"),
    "anonymous": N_("匿名件"),
}
RATES = {
    "acceptance_rate": N_("受理率"),
    "closure_rate": N_("办结率"),
    "on_time_rate": N_("按期办结率"),
    "satisfaction_rate": N_("满意率"),
    "repeat_rate": N_("重复率"),
}


def _count(condition: Any) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _in_period(period: Period) -> tuple[Any, ...]:
    return (Petition.received_on >= period.start, Petition.received_on <= period.end)


def _totals(period: Period, today: date) -> dict[str, int]:
    p = Petition
    columns = {
        "total": func.count(p.id),
        "decided": _count(p.decided_on.is_not(None)),
        "accepted": _count(p.accepted_on.is_not(None)),
        "not_accepted": _count(p.not_accepted_reason.is_not(None)),
        "forwarded": _count(p.target_name.is_not(None) & p.report_back_due.is_(None)),
        "assigned": _count(p.report_back_due.is_not(None)),
        "closed": _count(p.replied_on.is_not(None)),
        "closed_overdue": _count(p.replied_on.is_not(None) & (p.replied_on > p.close_due)),
        "open_overdue": _count(
            p.accepted_on.is_not(None) & p.replied_on.is_(None) & (p.close_due < today)
        ),
        "rated": _count(p.satisfaction.is_not(None)),
        "satisfied": _count(p.satisfaction == "satisfied"),
        "basically_satisfied": _count(p.satisfaction == "basically_satisfied"),
        "dissatisfied": _count(p.satisfaction == "dissatisfied"),
        "collective": _count(p.people_count >= COLLECTIVE_FROM),
        "bypassed_level": _count(p.is_bypassed_level),
        "repeat": _count(p.repeat_of_id.is_not(None)),
        "anonymous": _count(p.is_anonymous),
    }
    row = db.session.execute(select(*columns.values()).where(*_in_period(period))).one()
    found = {key: int(value or 0) for key, value in zip(columns, row, strict=True)}
    found["closed_on_time"] = found["closed"] - found["closed_overdue"]
    return {key: found[key] for key in TOTALS}


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _rates(t: dict[str, int]) -> dict[str, float | None]:
    return {
        "acceptance_rate": _rate(t["accepted"], t["decided"]),
        "closure_rate": _rate(t["closed"], t["accepted"]),
        "on_time_rate": _rate(t["closed_on_time"], t["closed"]),
        "satisfaction_rate": _rate(t["satisfied"] + t["basically_satisfied"], t["rated"]),
        "repeat_rate": _rate(t["repeat"], t["total"]),
    }


def _grouped(column: Any, period: Period, *joins: Any) -> list[tuple[Any, int]]:
    query = select(column, func.count(Petition.id)).where(*_in_period(period))
    for target, on in joins:
        query = query.outerjoin(target, on)
    return [(key, int(n)) for key, n in db.session.execute(query.group_by(column)).all()]


def _by_mapping(column: Any, period: Period, titles: dict[str, str]) -> list[Bucket]:
    counts = dict(_grouped(column, period))
    known = [Bucket(k, _(title), counts.pop(k)) for k, title in titles.items() if k in counts]
    return known + [Bucket(str(k), str(k), n) for k, n in sorted(counts.items(), key=str)]


def _by_category(period: Period) -> list[Bucket]:
    # By name: a parent's and its lower levels' taxonomies merge where names agree.
    rows = _grouped(
        PetitionCategory.name,
        period,
        (
            PetitionCategory,
            (PetitionCategory.tenant_id == Petition.tenant_id)
            & (PetitionCategory.id == Petition.category_id),
        ),
    )
    buckets = [Bucket(name or "", name or _("未分类"), n) for name, n in rows]
    return sorted(buckets, key=lambda b: (-b.count, b.title))


def _by_month(period: Period) -> list[Bucket]:
    year, month = extract("year", Petition.received_on), extract("month", Petition.received_on)
    query = (
        select(year, month, func.count(Petition.id))
        .where(*_in_period(period))
        .group_by(year, month)
    )
    counts = {(int(y), int(m)): int(n) for y, m, n in db.session.execute(query)}
    buckets, cursor = [], period.start.replace(day=1)
    while cursor <= period.end:
        key = f"{cursor.year}-{cursor.month:02d}"
        buckets.append(Bucket(key, key, counts.get((cursor.year, cursor.month), 0)))
        cursor = add_months(cursor, 1)
    return buckets


def _by_handler(period: Period) -> list[Bucket]:
    rows = _grouped(
        User.display_name,
        period,
        (User, User.id == Petition.handler_user_id),
    )
    buckets = [Bucket(name or "", name or _("未指定承办人"), n) for name, n in rows]
    return sorted(buckets, key=lambda b: (-b.count, b.title))


def _by_unit(period: Period, units: list[dict[str, Any]]) -> list[Bucket]:
    counts = dict(_grouped(Petition.tenant_id, period))
    return [Bucket(str(u["id"]), u["name"], counts.get(u["id"], 0)) for u in units]


def lower_levels(tenant: Tenant) -> list[Tenant]:
    """The tenant's descendants that enable petitions (whose statistics it may include)."""
    return [t for t in tenant.descendants() if t.is_active and is_enabled(t, "petitions")]


def _scope(children: list[Tenant]) -> AbstractContextManager[Any]:
    """The tenant's own scope, or one that also reads its lower levels (audited)."""
    if not children:
        return nullcontext()
    return cross_tenant_scope("petitions.statistics: lower levels", [t.id for t in children])


def summary(query: dict[str, Any], today: date) -> tuple[dict[str, int], dict[str, float | None]]:
    """The totals and rates of the tenant in scope for the period ``query`` names (one
    statement: what a dashboard widget shows, without the breakdowns of :func:`compute`)."""
    totals = _totals(resolve_period(query, today), today)
    return totals, _rates(totals)


def months(query: dict[str, Any], today: date) -> list[Bucket]:
    """Petitions received per month of the period ``query`` names (one statement)."""
    return _by_month(resolve_period(query, today))


def compute(tenant: Tenant, query: dict[str, Any], today: date | None = None) -> Statistics:
    """The statistics of ``tenant`` (in scope) for the period ``query`` names."""
    today = today or clock.today()
    period = resolve_period(query, today)
    children = lower_levels(tenant) if query.get("include_children") else []
    units = [{"id": t.id, "name": t.name} for t in [tenant, *children]]
    with _scope(children):
        totals = _totals(period, today)
        previous = _totals(period.year_before(), today)["total"]
        stats = Statistics(
            period=period,
            units=units,
            totals=totals,
            rates=_rates(totals),
            previous_year_total=previous,
            by_channel=_by_mapping(Petition.channel, period, CHANNELS),
            by_kind=_by_mapping(Petition.kind, period, KINDS),
            by_category=_by_category(period),
            by_state=_by_mapping(Petition.state, period, STATES),
            by_month=_by_month(period),
            by_handler=_by_handler(period),
            by_unit=_by_unit(period, units) if children else [],
        )
    return stats
