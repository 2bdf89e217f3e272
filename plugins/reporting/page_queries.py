"""Reads the reporting pages need beside :mod:`plugins.reporting.queries`: people to
choose as authors, the children of the tenant in scope, a page's counts."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import and_, case, func, select

from core import clock
from core.auth.models import Membership, User
from core.db import db
from core.tenancy.models import Tenant
from core.tenancy.scope import current_tenant_id, granted_scope
from plugins.reporting.models import Issue, ItemAuthor, ReportItem, Submission
from plugins.reporting.scoring.models import Ranking, RankingLine
from plugins.reporting.scoring.periods import Period, period


def tenant_people() -> list[User]:
    """Active members of the tenant in scope, by name (the authors one may choose)."""
    return list(
        db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.is_active, User.is_active)
            .order_by(User.display_name, User.id)
        )
    )


def author_names(item: ReportItem) -> list[str]:
    """The item's authors in their order (readable wherever the item is)."""
    return list(
        db.session.scalars(
            select(User.display_name)
            .join(ItemAuthor, ItemAuthor.user_id == User.id)
            .where(ItemAuthor.tenant_id == item.tenant_id, ItemAuthor.item_id == item.id)
            .order_by(ItemAuthor.position)
        )
    )


def author_ids(item: ReportItem) -> list[int]:
    return list(
        db.session.scalars(
            select(ItemAuthor.user_id)
            .where(ItemAuthor.tenant_id == item.tenant_id, ItemAuthor.item_id == item.id)
            .order_by(ItemAuthor.position)
        )
    )


def child_tenants() -> list[Tenant]:
    """The active direct children of the tenant in scope (the inbox's senders)."""
    return list(
        db.session.scalars(
            select(Tenant)
            .where(Tenant.parent_id == current_tenant_id(), Tenant.is_active)
            .order_by(Tenant.name, Tenant.id)
        )
    )


def incidents(limit: int = 50) -> list[ReportItem]:
    """The tenant's own incidents, newest first (初报 / 续报 / 终报 shown by stage)."""
    return list(
        db.session.scalars(
            select(ReportItem)
            .where(ReportItem.category == "incident")
            .order_by(ReportItem.occurred_at.desc(), ReportItem.id.desc())
            .limit(limit)
        )
    )


def incident_followups(item: ReportItem) -> list[ReportItem]:
    """The 续报 and 终报 that follow ``item`` (same tenant)."""
    return list(
        db.session.scalars(
            select(ReportItem)
            .where(ReportItem.tenant_id == item.tenant_id, ReportItem.chain_parent_id == item.id)
            .order_by(ReportItem.occurred_at, ReportItem.id)
        )
    )


def count_mine(state: str) -> int:
    return (
        db.session.scalar(select(func.count(ReportItem.id)).where(ReportItem.state == state)) or 0
    )


def count_inbox_waiting() -> int:
    """Submissions to the tenant in scope still waiting for its decision (run in a
    granted scope)."""
    return (
        db.session.scalar(
            select(func.count(Submission.id)).where(
                Submission.receiver_tenant_id == current_tenant_id(),
                Submission.state == "submitted",
            )
        )
        or 0
    )


def tenant_names(*rows_lists: list) -> dict[int, str]:
    """The names of the tenants a chain's rows mention, in one query."""
    ids: set[int] = set()
    for rows in rows_lists:
        for row in rows:
            for attr in ("sender_tenant_id", "receiver_tenant_id", "recorded_by_tenant_id"):
                if getattr(row, attr, None):
                    ids.add(getattr(row, attr))
    return tenant_names_of(ids)


def tenant_names_of(ids) -> dict[int, str]:
    ids = set(ids)
    if not ids:
        return {}
    return dict(db.session.execute(select(Tenant.id, Tenant.name).where(Tenant.id.in_(ids))).all())


def monthly_adoptions(year: int) -> dict[str, Any]:
    """采用 per child per month of ``year`` (Beijing months) at the tenant in scope, in
    one statement — a column per month — for the ranking page's chart. Run in a granted
    scope: the submissions are the children's rows."""
    months = [period("month", year, n).bounds for n in range(1, 13)]
    columns = [
        func.sum(
            case((and_(Submission.decided_at >= start, Submission.decided_at < end), 1), else_=0)
        )
        for start, end in months
    ]
    statement = (
        select(Submission.sender_tenant_id, *columns)
        .where(
            Submission.receiver_tenant_id == current_tenant_id(),
            Submission.state.in_(("adopted", "forwarded")),
            Submission.decided_at >= months[0][0],
            Submission.decided_at < months[-1][1],
        )
        .group_by(Submission.sender_tenant_id)
    )
    rows = db.session.execute(statement).all()
    names = tenant_names_of(row[0] for row in rows)
    return {
        "labels": [_("%(n)s月", n=n) for n in range(1, 13)],
        "series": [
            {"name": names.get(row[0], ""), "values": [int(v or 0) for v in row[1:]]}
            for row in sorted(rows, key=lambda r: names.get(r[0], ""))
        ],
    }


def my_latest_rank() -> dict[str, Any] | None:
    """This tenant's line in the latest ranking published to it (run in a granted
    scope), for the dashboard's 我的排名."""
    row = db.session.execute(
        select(Ranking.id, Ranking.title, RankingLine.rank, RankingLine.score)
        .join(
            RankingLine,
            and_(RankingLine.tenant_id == Ranking.tenant_id, RankingLine.ranking_id == Ranking.id),
        )
        .where(RankingLine.child_tenant_id == current_tenant_id())
        .order_by(Ranking.published_at.desc(), Ranking.id.desc())
        .limit(1)
    ).first()
    return dict(row._mapping) if row is not None else None


def adopted_here(limit: int = 50) -> list[tuple[Submission, ReportItem]]:
    """What this tenant adopted (or adopted and forwarded), newest decision first: what
    an issue can be composed from (run in a granted scope)."""
    statement = (
        select(Submission, ReportItem)
        .join(
            ReportItem,
            and_(ReportItem.tenant_id == Submission.tenant_id, ReportItem.id == Submission.item_id),
        )
        .where(
            Submission.receiver_tenant_id == current_tenant_id(),
            Submission.state.in_(("adopted", "forwarded")),
        )
        .order_by(Submission.decided_at.desc(), Submission.id.desc())
        .limit(limit)
    )
    return [(s, i) for s, i in db.session.execute(statement).all()]


def draft_issues() -> list[Issue]:
    """The tenant's issues still being composed (to put an adopted item in)."""
    return list(
        db.session.scalars(
            select(Issue)
            .where(Issue.tenant_id == current_tenant_id(), Issue.state == "draft")
            .order_by(Issue.year.desc(), Issue.number.desc())
        )
    )


def adopted_in_scope(limit: int = 50) -> list[Submission]:
    """The submissions the tenant in scope adopted, oldest decision first (opens its
    own granted scope: the demo composes an issue from them)."""
    with granted_scope("reporting: adopted items for an issue"):
        return [s for s, _i in reversed(adopted_here(limit))]


def current_quarter() -> Period:
    """This quarter (the default period of quotas)."""
    today = clock.today()
    return period("quarter", today.year, (today.month - 1) // 3 + 1)
