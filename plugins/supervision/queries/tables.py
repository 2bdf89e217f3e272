"""The tables read from the items: the traffic-light board, this week's
schedule (周安排), the monthly plan and summary (月计划、月小结), the monthly public
performance list (月工作实绩公开) and the overdue list per leader.

Each is a :class:`Table` (title, columns, rows) so the page, the JSON API
(:func:`plugins.supervision.presenters.table_dict`) and the .xlsx export
(:func:`plugins.supervision.documents.table_xlsx`) show the same thing. The queries run in the tenant in scope; aggregates
are computed in SQL.
"""

from __future__ import annotations

import calendar as calendar_module
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import aliased

from core import clock
from core.auth.models import User
from core.db import db
from core.exports import Column
from core.i18n import N_
from core.orgs.models import OrgUnit
from plugins.supervision.models import (
    CLOSED_STATES,
    OPEN_STATES,
    RATINGS,
    SupervisionItem,
    SupervisionMilestone,
)
from plugins.supervision.workflow import STATES

Item = SupervisionItem
Leader = aliased(User)
Person = aliased(User)


@dataclass
class Table:
    title: str
    columns: list[Column]
    rows: list[dict[str, Any]]
    caption: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def month_bounds(month: str | None) -> tuple[date, date]:
    """First and last day of ``YYYY-MM`` (default: this month)."""
    today = clock.today()
    year, number = (int(p) for p in month.split("-")) if month else (today.year, today.month)
    return date(year, number, 1), date(year, number, calendar_module.monthrange(year, number)[1])


def localized(columns: list[Column]) -> list[Column]:
    return [Column(c.key, _(c.title), c.width, c.kind) for c in columns]


# -- This week, this month ----------------------------------------------------------------------


SCHEDULE_COLUMNS = [
    Column("day", N_("日期"), 12, "date"),
    Column("what", N_("节点"), 12),
    Column("serial", N_("编号"), 16),
    Column("title", N_("事项"), 40),
    Column("person_name", N_("责任人"), 10),
    Column("section_name", N_("责任科室"), 14),
]


def _due_between(start: date, end: date) -> list[dict[str, Any]]:
    """Deadlines and milestones of open items falling in [start, end], by day."""
    rows: list[dict[str, Any]] = []
    base = (
        select(Item, Person.display_name, OrgUnit.name)
        .outerjoin(Person, Person.id == Item.person_user_id)
        .outerjoin(
            OrgUnit, and_(OrgUnit.tenant_id == Item.tenant_id, OrgUnit.id == Item.section_id)
        )
        .where(Item.state.in_(OPEN_STATES))
    )
    for item, person, section in db.session.execute(base.where(Item.deadline.between(start, end))):
        rows.append(_schedule_row(item.deadline, _("最终期限"), item, person, section))
    m = SupervisionMilestone
    milestones = base.add_columns(m.due, m.title).join(
        m, and_(m.tenant_id == Item.tenant_id, m.item_id == Item.id)
    )
    for item, person, section, due, title in db.session.execute(
        milestones.where(m.due.between(start, end), m.done_on.is_(None))
    ):
        rows.append(_schedule_row(due, title, item, person, section))
    rows.sort(key=lambda r: (r["day"], r["serial"]))
    return rows


def _schedule_row(day, what, item, person, section) -> dict[str, Any]:
    return {
        "day": day,
        "what": what,
        "serial": item.serial,
        "title": item.title,
        "person_name": person or "",
        "section_name": section or "",
        "id": item.id,
    }


def week_schedule(today: date | None = None) -> Table:
    today = today or clock.today()
    monday = today - timedelta(days=today.weekday())
    sunday = monday + timedelta(days=6)
    caption = _("本周工作安排（%(a)s 至 %(b)s）", a=monday.isoformat(), b=sunday.isoformat())
    return Table(caption, localized(SCHEDULE_COLUMNS), _due_between(monday, sunday), caption)


def month_plan(month: str | None) -> Table:
    start, end = month_bounds(month)
    caption = _("%(y)s年%(m)s月工作计划", y=start.year, m=start.month)
    return Table(caption, localized(SCHEDULE_COLUMNS), _due_between(start, end), caption)


SUMMARY_COLUMNS = [
    Column("serial", N_("编号"), 16),
    Column("title", N_("事项"), 40),
    Column("person_name", N_("责任人"), 10),
    Column("deadline", N_("办结期限"), 12, "date"),
    Column("closed_on", N_("办结日期"), 12, "date"),
    Column("outcome", N_("完成情况"), 12),
    Column("rating", N_("评价"), 8),
]


def month_summary(month: str | None) -> Table:
    """月小结: items due in the month or closed in it, and how they ended."""
    start, end = month_bounds(month)
    statement = (
        select(Item, Person.display_name)
        .outerjoin(Person, Person.id == Item.person_user_id)
        .where(or_(Item.deadline.between(start, end), Item.closed_on.between(start, end)))
        .order_by(Item.deadline, Item.id)
    )
    rows = []
    for item, person in db.session.execute(statement):
        if item.closed_on is not None:
            outcome = _("按期办结") if item.closed_on <= item.deadline else _("逾期办结")
        elif item.deadline < min(end + timedelta(days=1), clock.today()):
            outcome = _("逾期未办结")
        else:
            outcome = _("办理中")
        rows.append(
            {
                "id": item.id,
                "serial": item.serial,
                "title": item.title,
                "person_name": person or "",
                "deadline": item.deadline,
                "closed_on": item.closed_on,
                "outcome": outcome,
                "rating": _(RATINGS[item.rating]) if item.rating else "",
            }
        )
    caption = _("%(y)s年%(m)s月工作小结", y=start.year, m=start.month)
    return Table(caption, localized(SUMMARY_COLUMNS), rows, caption)


# -- Performance and overdue ---------------------------------------------------------------


PERFORMANCE_COLUMNS = [
    Column("kind", N_("类别"), 8),
    Column("name", N_("科室/责任人"), 16),
    Column("due", N_("当月到期"), 10, "int"),
    Column("closed", N_("当月办结"), 10, "int"),
    Column("on_time", N_("按期办结"), 10, "int"),
    Column("on_time_rate", N_("按期办结率%"), 12),
    Column("overdue", N_("逾期未办结"), 10, "int"),
]


def _performance_by(group_column: Any, name_column: Any, join: Any, start, end, today):
    closed_in_month = Item.closed_on.between(start, end)
    statement = (
        select(
            name_column,
            func.sum(case((Item.deadline.between(start, end), 1), else_=0)),
            func.sum(case((closed_in_month, 1), else_=0)),
            func.sum(case((and_(closed_in_month, Item.closed_on <= Item.deadline), 1), else_=0)),
            func.sum(
                case(
                    (and_(Item.state.in_(OPEN_STATES), Item.deadline < min(today, end)), 1),
                    else_=0,
                )
            ),
        )
        .select_from(Item)
        .join(*join)
        .where(
            or_(
                Item.deadline.between(start, end),
                closed_in_month,
                and_(Item.state.in_(OPEN_STATES), Item.deadline < start),
            )
        )
        .group_by(group_column, name_column)
        .order_by(name_column)
    )
    return db.session.execute(statement).all()


def performance(month: str | None) -> Table:
    """月工作实绩公开: per section and per responsible person, items due and closed in
    the month, the on-time closure rate (closed by the deadline / closed) and what is
    overdue."""
    start, end = month_bounds(month)
    today = clock.today()
    rows: list[dict[str, Any]] = []
    by_section = _performance_by(
        OrgUnit.id,
        OrgUnit.name,
        (OrgUnit, and_(OrgUnit.tenant_id == Item.tenant_id, OrgUnit.id == Item.section_id)),
        start,
        end,
        today,
    )
    by_person = _performance_by(
        Person.id,
        Person.display_name,
        (Person, Person.id == Item.person_user_id),
        start,
        end,
        today,
    )
    for kind, result in ((_("科室"), by_section), (_("责任人"), by_person)):
        for name, due, closed, on_time, overdue in result:
            rows.append(
                {
                    "kind": kind,
                    "name": name,
                    "due": int(due or 0),
                    "closed": int(closed or 0),
                    "on_time": int(on_time or 0),
                    "on_time_rate": f"{100 * on_time / closed:.1f}" if closed else "—",
                    "overdue": int(overdue or 0),
                }
            )
    caption = _("%(y)s年%(m)s月工作实绩公开", y=start.year, m=start.month)
    return Table(caption, localized(PERFORMANCE_COLUMNS), rows, caption)


OVERDUE_COLUMNS = [
    Column("leader_name", N_("责任领导"), 10),
    Column("serial", N_("编号"), 16),
    Column("title", N_("事项"), 40),
    Column("person_name", N_("责任人"), 10),
    Column("deadline", N_("办结期限"), 12, "date"),
    Column("days_overdue", N_("逾期天数"), 10, "int"),
    Column("state", N_("状态"), 10),
]


def overdue_by_leader(today: date | None = None) -> Table:
    today = today or clock.today()
    statement = (
        select(Item, Leader.display_name, Person.display_name)
        .outerjoin(Leader, Leader.id == Item.leader_user_id)
        .outerjoin(Person, Person.id == Item.person_user_id)
        .where(Item.state.in_(OPEN_STATES), Item.deadline < today)
        .order_by(Leader.display_name, Item.deadline, Item.id)
    )
    rows = [
        {
            "id": item.id,
            "leader_name": leader or _("（未指定）"),
            "serial": item.serial,
            "title": item.title,
            "person_name": person or "",
            "deadline": item.deadline,
            "days_overdue": (today - item.deadline).days,
            "state": _(STATES[item.state]),
        }
        for item, leader, person in db.session.execute(statement)
    ]
    return Table(_("逾期事项清单（按责任领导）"), localized(OVERDUE_COLUMNS), rows)


# -- Dashboard --------------------------------------------------------------------------------


def closures_by_month(months: int = 12, today: date | None = None) -> list[tuple[str, int]]:
    """Items closed per month over the last ``months`` months (for the chart)."""
    today = today or clock.today()
    first = date(today.year, today.month, 1)
    keys = []
    for back in range(months - 1, -1, -1):
        year, month = divmod(first.year * 12 + first.month - 1 - back, 12)
        keys.append(f"{year:04d}-{month + 1:02d}")
    start = date(int(keys[0][:4]), int(keys[0][5:]), 1)
    days = db.session.scalars(
        select(Item.closed_on).where(Item.closed_on >= start, Item.state.in_(CLOSED_STATES))
    ).all()
    counts = dict.fromkeys(keys, 0)
    for day in days:
        key = f"{day.year:04d}-{day.month:02d}"
        if key in counts:
            counts[key] += 1
    return list(counts.items())


def month_totals(month: str | None) -> dict[str, int]:
    """Items due in the month, closed in it, and closed in it by their deadline."""
    start, end = month_bounds(month)
    closed_in_month = Item.closed_on.between(start, end)
    due, closed, on_time = db.session.execute(
        select(
            func.sum(case((Item.deadline.between(start, end), 1), else_=0)),
            func.sum(case((closed_in_month, 1), else_=0)),
            func.sum(case((and_(closed_in_month, Item.closed_on <= Item.deadline), 1), else_=0)),
        ).select_from(Item)
    ).one()
    return {"due": int(due or 0), "closed": int(closed or 0), "on_time": int(on_time or 0)}


#: The tables by the name in their URL, with the file name of their .xlsx export.
VIEWS: dict[str, tuple[Callable[[str | None], Table], str]] = {
    "week": (lambda _month: week_schedule(), "本周工作安排.xlsx"),
    "month-plan": (month_plan, "月工作计划.xlsx"),
    "month-summary": (month_summary, "月工作小结.xlsx"),
    "performance": (performance, "月工作实绩公开.xlsx"),
    "overdue": (lambda _month: overdue_by_leader(), "逾期事项清单.xlsx"),
}


#: The tables read for a month (the others for today).
MONTHLY = ("month-plan", "month-summary", "performance")


def view(name: str, month: str | None) -> tuple[Table, str]:
    """The table named ``name`` in :data:`VIEWS` (for ``month``, when it has one) and
    its export's file name; KeyError for an unknown name."""
    build, filename = VIEWS[name]
    return build(month), filename
