"""What the deadline scan feeds: the to-do items of each user and the dashboard widget.

Items come from the stored ``light``/``current_due`` (:mod:`plugins.petitions.services.lights`)
through the index ``(tenant_id, light, current_due)``; who sees which depends on the
state and the user's permissions:

* clerks (``petitions.register``): undecided petitions nearing their acceptance deadline,
  and every petition filed online from the moment it arrives until it is screened;
* handlers: their own petitions in handling; ``petitions.handle``: accepted ones with no
  handler yet;
* approvers (``petitions.approve``): every draft awaiting approval, every request for an
  extension (申请延期) awaiting their decision, report-backs of assigned petitions due or
  overdue, 复查/复核 cases to answer, results reported back (to review),
  long-term petitioners with no leader in charge;
* the leader in charge of a long-term petitioner: its periodic review.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta
from typing import TYPE_CHECKING

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import Select, func, or_, select
from werkzeug.routing import BuildError

from core import clock
from core.db import db
from core.deadlines import Deadline
from core.plugins.types import DashboardWidget, TodoItem
from plugins.petitions.models import LongtermPetitioner, Petition
from plugins.petitions.permissions import APPROVE, HANDLE, REGISTER, STATISTICS, VIEW
from plugins.petitions.queries import statistics
from plugins.petitions.services.escalation import petition_url
from plugins.petitions.workflow import UNDECIDED

if TYPE_CHECKING:
    from core.auth.users import Actor
    from core.tenancy.models import Tenant

PLUGIN = "petitions"
LIMIT = 50
WARNED = ("red", "yellow")
ONLINE = "online"


def _titles() -> dict[str, str]:
    return {
        "registered": _("受理期限"),
        "screening": _("受理期限"),
        "accepted": _("待指定承办人"),
        "in_handling": _("办理期限"),
        "approved": _("待书面答复"),
        "draft_outcome": _("处理意见待审批"),
        "assigned": _("交办报结期限"),
        "case_open": _("复查复核答复期限"),
    }


def _mine(actor: Actor) -> list:
    """The conditions under which a warned petition waits on ``actor`` (online
    petitions and drafts wait from the start: :func:`_waiting`)."""
    wanted = []
    if actor.can(REGISTER):
        wanted.append(Petition.state.in_(UNDECIDED) & (Petition.channel != ONLINE))
    if actor.can(HANDLE):
        wanted.append(Petition.state == "accepted")
    if actor.user_id is not None:
        wanted.append(
            Petition.state.in_(("in_handling", "approved"))
            & (Petition.handler_user_id == actor.user_id)
        )
    if actor.can(APPROVE):
        wanted.append(Petition.state.in_(("assigned", "case_open")))
    return wanted


def _item(p: Petition, title: str) -> TodoItem:
    return TodoItem(
        f"{title}：{p.serial} {p.summary[:30]}",
        petition_url(p),
        PLUGIN,
        due=p.current_due,
        light=p.light,
        kind=f"petition.{p.state}",
        estimated=p.current_due_estimated,
    )


def _warned(_tenant: Tenant, actor: Actor) -> list[TodoItem]:
    """Petitions whose deadline nears or passed, where the next move is ``actor``'s."""
    wanted = _mine(actor)
    if not wanted:
        return []
    titles = _titles()
    query = select(Petition).where(Petition.light.in_(WARNED), or_(*wanted))
    return [_item(p, titles.get(p.state, p.state)) for p in _by_due(query)]


def _waiting(_tenant: Tenant, actor: Actor) -> list[TodoItem]:
    """What waits on ``actor`` from the moment it arrives, whatever its light: a
    petition filed online (nobody at the desk saw it come in) until it is screened,
    and, for approvers, each draft outcome until it is approved or sent back."""
    found = []
    if actor.can(REGISTER):
        online = Petition.state.in_(UNDECIDED) & (Petition.channel == ONLINE)
        found += [_item(p, _("网上信访待审查")) for p in _by_due(select(Petition).where(online))]
    if actor.can(APPROVE):
        drafts = select(Petition).where(Petition.state == "draft_outcome")
        found += [_item(p, _("处理意见待审批")) for p in _by_due(drafts)]
    return found


def _extension_requests(_tenant: Tenant, actor: Actor) -> list[TodoItem]:
    """申请延期 awaiting the leader's decision, whatever the light: the handler's closing
    deadline runs on while it waits, so it is due by that deadline."""
    if not actor.can(APPROVE):
        return []
    pending = Petition.extension_requested_days.is_not(None)
    query = select(Petition).where(Petition.state == "in_handling", pending)
    return [
        TodoItem(
            _(
                "延期申请待审批（%(days)s日）：%(serial)s %(summary)s",
                days=p.extension_requested_days,
                serial=p.serial,
                summary=p.summary[:30],
            ),
            petition_url(p),
            PLUGIN,
            due=p.current_due,
            light=p.light,
            kind="petition.extension_requested",
            estimated=p.current_due_estimated,
        )
        for p in _by_due(query)
    ]


def _reported_back(_tenant: Tenant, actor: Actor) -> list[TodoItem]:
    if not actor.can(APPROVE):
        return []
    query = (
        select(Petition)
        .where(Petition.state == "reported_back")
        .order_by(Petition.reported_back_on, Petition.id)
        .limit(LIMIT)
    )
    return [
        TodoItem(
            _("下级已报结，待审核：%(serial)s", serial=p.serial),
            petition_url(p),
            PLUGIN,
            due=p.reported_back_on,
            light="yellow",
            kind="petition.reported_back",
        )
        for p in _scalars(query)
    ]


def _longterm_leaderless(tenant: Tenant, actor: Actor) -> list[TodoItem]:
    if not actor.can(APPROVE):
        return []
    query = (
        select(LongtermPetitioner)
        .where(LongtermPetitioner.is_active, LongtermPetitioner.leader_user_id.is_(None))
        .order_by(LongtermPetitioner.id)
        .limit(LIMIT)
    )
    return [
        TodoItem(
            _("信访老户待指定包案领导：%(name)s", name=row.name or "—"),
            _longterm_url(tenant),
            PLUGIN,
            kind="petition.longterm_leader",
        )
        for row in _scalars(query)
    ]


def _longterm_reviews(tenant: Tenant, actor: Actor) -> list[TodoItem]:
    if actor.user_id is None:
        return []
    query = (
        select(LongtermPetitioner)
        .where(
            LongtermPetitioner.leader_user_id == actor.user_id,
            LongtermPetitioner.light.in_(WARNED),
        )
        .order_by(LongtermPetitioner.next_review_on, LongtermPetitioner.id)
        .limit(LIMIT)
    )
    return [
        TodoItem(
            _("信访老户定期研判：%(name)s", name=row.name or "—"),
            _longterm_url(tenant, mine="1"),
            PLUGIN,
            due=row.next_review_on,
            light=row.light,
            kind="petition.longterm_review",
        )
        for row in _scalars(query)
    ]


#: Each source gives the items of one kind of waiting work; none repeats another's.
SOURCES = (
    _warned,
    _waiting,
    _extension_requests,
    _reported_back,
    _longterm_leaderless,
    _longterm_reviews,
)


def todo_items(tenant: Tenant, actor: Actor) -> list[TodoItem]:
    return [item for source in SOURCES for item in source(tenant, actor)]


def _by_due(query: Select) -> list[Petition]:
    return _scalars(query.order_by(Petition.current_due, Petition.id).limit(LIMIT))


def _scalars(query: Select) -> list:
    return list(db.session.scalars(query))


def _longterm_url(tenant: Tenant, **args: str) -> str:
    """The 信访老户 page (outside a request, e.g. in a job, its path)."""
    try:
        return url_for("petitions.longterm_list", tenant=tenant.slug, **args)
    except (BuildError, RuntimeError):
        query = "".join(f"?{k}={v}" for k, v in args.items())
        return f"/t/{tenant.slug}/petitions/longterm{query}"


def deadline_summary() -> dict:
    """Counts of open petitions by light and the most overdue ones (the widget's data)."""
    counts = dict(
        db.session.execute(
            select(Petition.light, func.count())
            .where(Petition.light.is_not(None))
            .group_by(Petition.light)
        ).all()
    )
    overdue = _scalars(
        select(Petition)
        .where(Petition.light == "red")
        .order_by(Petition.current_due, Petition.id)
        .limit(10)
    )
    today = clock.today()
    return {
        "green": counts.get("green", 0),
        "yellow": counts.get("yellow", 0),
        "red": counts.get("red", 0),
        "overdue": [
            {
                "serial": p.serial,
                "summary": p.summary,
                "url": petition_url(p),
                "deadline": Deadline(p.current_due, "red", (p.current_due - today).days, False),
            }
            for p in overdue
        ],
    }


def dashboard_widgets(tenant: Tenant, actor: Actor) -> list[DashboardWidget]:
    if not actor.can(VIEW):
        return []
    return [
        DashboardWidget(
            _("信访期限"), "petitions/_deadline_widget.html", deadline_summary(), order=20
        )
    ]


def statistics_widget(tenant, actor) -> list[DashboardWidget]:
    """This year's main figures and the last six months, as a small bar chart."""
    if not actor.can(STATISTICS):
        return []
    today = clock.today()
    # What the widget shows, two statements (the full statistics twice cost sixteen).
    totals, rates = statistics.summary({"period": "year", "year": today.year}, today)
    start = (today.replace(day=1) - timedelta(days=150)).replace(day=1)
    recent = statistics.months({"period": "range", "date_from": start, "date_to": today}, today)
    context = {
        "year": today.year,
        "total": totals["total"],
        "open_overdue": totals["open_overdue"],
        "on_time_rate": rates["on_time_rate"],
        "satisfaction_rate": rates["satisfaction_rate"],
        "months": [asdict(b) for b in recent],
        "url": url_for("petitions.statistics_page", tenant=tenant.slug),
    }
    return [DashboardWidget(_("信访统计"), "petitions/_statistics_widget.html", context, order=40)]
