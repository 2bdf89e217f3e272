"""The rankings, each one SQL statement (CTEs and a window function), run by the ranking
tenant inside its granted scope: it reads exactly the items its children (and, through
them, their children) submitted or forwarded to it, and the rows that follow them.

An item counts for the child that sent it to the ranking tenant (its own item, or one it
forwarded from below), in the period its submission to the ranking tenant arrived in. It
scores the points of its adoptions at the ranking level and above (the adopting tenant's
level × the item's document type) — the highest of them, or their sum, as the table says
— plus a bonus per leader's instruction by the leader's level. A child loses points for
each late incident of its own (迟报), each 漏报 the ranking tenant recorded against it, and
each 约稿 sent to it whose deadline passed in the period without an answer in time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, case, exists, func, literal, select, true
from sqlalchemy.orm import aliased

from core import clock
from core.auth.models import User
from core.db import db
from core.tenancy.models import Tenant, TenantPlugin
from plugins.reporting.models import (
    Instruction,
    ItemAuthor,
    MissedReport,
    ReportItem,
    Request,
    RequestTarget,
    Submission,
)
from plugins.reporting.scoring.periods import Period

ADOPTED_STATES = ("adopted", "forwarded")


@dataclass(frozen=True)
class ScoringTable:
    """The resolved scoring settings of the ranking tenant."""

    adoption_points: dict[str, dict[str, int]]
    instruction_bonus: dict[str, int]
    penalties: dict[str, int]
    multiple: str
    base: int

    @classmethod
    def of(cls, settings: dict[str, Any]) -> ScoringTable:
        return cls(
            adoption_points=settings["scoring_adoption_points"],
            instruction_bonus=settings["scoring_instruction_bonus"],
            penalties=settings["scoring_penalties"],
            multiple=settings["scoring_multiple_adoptions"],
            base=settings["scoring_base"],
        )


def _adoption_points(table: ScoringTable, level: Any, doc_type: Any) -> Any:
    whens = [
        (and_(level == lvl, doc_type == kind), points)
        for lvl, row in table.adoption_points.items()
        for kind, points in row.items()
    ]
    return case(*whens, else_=0)


def _scored_items(ranker: int, period: Period, table: ScoringTable) -> Any:
    """One row per item sent to ``ranker`` in the period: the child credited, the item's
    points and bonus, whether it was adopted, and whether it was the child's own late one."""
    start, end = period.bounds
    received, adoption = aliased(Submission), aliased(Submission)
    points = _adoption_points(table, adoption.adopted_level, ReportItem.doc_type)
    gathered = func.sum(points) if table.multiple == "sum" else func.max(points)
    bonus = (
        select(
            Instruction.tenant_id,
            Instruction.item_id,
            func.sum(_bonus(table, Instruction.leader_level)).label("bonus"),
        )
        .group_by(Instruction.tenant_id, Instruction.item_id)
        .subquery("bonus")
    )
    return (
        select(
            received.tenant_id.label("owner"),
            received.item_id.label("item_id"),
            received.sender_tenant_id.label("child"),
            func.coalesce(gathered, 0).label("points"),
            func.coalesce(func.max(bonus.c.bonus), 0).label("bonus"),
            (func.count(adoption.id) > 0).label("adopted"),
            # max(CASE …) = 1 rather than bool_or: SQLite (the embedded mode) has no bool_or.
            (
                func.max(case((and_(received.level == 1, ReportItem.is_late), 1), else_=0)) == 1
            ).label("late"),
        )
        .join(
            ReportItem,
            and_(ReportItem.tenant_id == received.tenant_id, ReportItem.id == received.item_id),
        )
        .outerjoin(
            adoption,
            and_(
                adoption.tenant_id == received.tenant_id,
                adoption.item_id == received.item_id,
                adoption.level >= received.level,
                adoption.state.in_(ADOPTED_STATES),
            ),
        )
        .outerjoin(
            bonus,
            and_(bonus.c.tenant_id == received.tenant_id, bonus.c.item_id == received.item_id),
        )
        .where(
            received.receiver_tenant_id == ranker,
            received.submitted_at >= start,
            received.submitted_at < end,
        )
        .group_by(received.tenant_id, received.item_id, received.sender_tenant_id)
        .cte("scored")
    )


def _bonus(table: ScoringTable, level: Any) -> Any:
    whens = [(level == lvl, points) for lvl, points in table.instruction_bonus.items()]
    return case(*whens, else_=0)


def _missed(ranker: int, period: Period) -> Any:
    start, end = period.bounds
    return (
        select(MissedReport.child_tenant_id.label("child"), func.count().label("missed"))
        .where(
            MissedReport.tenant_id == ranker,
            MissedReport.occurred_at >= start,
            MissedReport.occurred_at < end,
        )
        .group_by(MissedReport.child_tenant_id)
        .subquery("missed")
    )


def _requests_missed(ranker: int, period: Period, now: datetime) -> Any:
    """约稿 whose deadline passed in the period with no answer of the child sent in time."""
    start, end = period.bounds
    answered = exists().where(
        ReportItem.tenant_id == RequestTarget.child_tenant_id,
        ReportItem.request_tenant_id == ranker,
        ReportItem.request_id == Request.id,
        ReportItem.submitted_at <= Request.deadline,
    )
    return (
        select(RequestTarget.child_tenant_id.label("child"), func.count().label("unanswered"))
        .join(
            Request,
            and_(
                Request.tenant_id == RequestTarget.tenant_id, Request.id == RequestTarget.request_id
            ),
        )
        .where(
            Request.tenant_id == ranker,
            Request.deadline >= start,
            Request.deadline < end,
            Request.deadline < now,
            ~answered,
        )
        .group_by(RequestTarget.child_tenant_id)
        .subquery("unanswered")
    )


def _children(ranker: int) -> Any:
    return (
        select(Tenant.id, Tenant.name, Tenant.slug)
        .join(TenantPlugin, TenantPlugin.tenant_id == Tenant.id)
        .where(
            Tenant.parent_id == ranker,
            Tenant.is_active,
            TenantPlugin.plugin == "reporting",
            TenantPlugin.enabled,
        )
        .subquery("children")
    )


def tenant_ranking(ranker: int, period: Period, table: ScoringTable) -> Select:
    """Every child of ``ranker`` that enables reporting, with its figures, score and rank
    (equal scores share a rank)."""
    scored = _scored_items(ranker, period, table)
    per_child = (
        select(
            scored.c.child,
            func.count().label("submitted"),
            func.count().filter(scored.c.adopted).label("adopted"),
            func.sum(scored.c.points).label("points"),
            func.sum(scored.c.bonus).label("bonus"),
            func.count().filter(scored.c.late).label("late"),
        )
        .group_by(scored.c.child)
        .subquery("per_child")
    )
    children, missed = _children(ranker), _missed(ranker, period)
    unanswered = _requests_missed(ranker, period, clock.now())
    late, lost, gone = (
        func.coalesce(per_child.c.late, 0),
        func.coalesce(missed.c.missed, 0),
        func.coalesce(unanswered.c.unanswered, 0),
    )
    penalty = (
        late * table.penalties["late"]
        + lost * table.penalties["missed"]
        + gone * table.penalties["request_missed"]
    )
    gained = func.coalesce(per_child.c.points, 0) + func.coalesce(per_child.c.bonus, 0)
    score = (literal(table.base) + gained - penalty).label("score")
    return (
        select(
            children.c.id.label("tenant_id"),
            children.c.name,
            func.coalesce(per_child.c.submitted, 0).label("submitted"),
            func.coalesce(per_child.c.adopted, 0).label("adopted"),
            func.coalesce(per_child.c.points, 0).label("points"),
            func.coalesce(per_child.c.bonus, 0).label("bonus"),
            late.label("late"),
            lost.label("missed"),
            gone.label("requests_missed"),
            penalty.label("penalty"),
            score,
            func.rank().over(order_by=score.desc()).label("rank"),
        )
        .outerjoin(per_child, per_child.c.child == children.c.id)
        .outerjoin(missed, missed.c.child == children.c.id)
        .outerjoin(unanswered, unanswered.c.child == children.c.id)
        .order_by(score.desc(), children.c.slug)
    )


def author_ranking(ranker: int, period: Period, table: ScoringTable) -> Select:
    """Authors of the items sent to ``ranker``: each author gets an item's points and
    bonus (authors are not penalised; their unit is)."""
    scored = _scored_items(ranker, period, table)
    score = func.sum(scored.c.points + scored.c.bonus).label("score")
    return (
        select(
            ItemAuthor.user_id,
            User.display_name.label("name"),
            scored.c.child.label("tenant_id"),
            func.count().label("items"),
            func.count().filter(scored.c.adopted).label("adopted"),
            score,
            func.rank().over(order_by=score.desc()).label("rank"),
        )
        .select_from(scored)
        .join(
            ItemAuthor,
            and_(ItemAuthor.tenant_id == scored.c.owner, ItemAuthor.item_id == scored.c.item_id),
        )
        .join(User, User.id == ItemAuthor.user_id)
        .where(true())
        .group_by(ItemAuthor.user_id, User.display_name, scored.c.child)
        .order_by(score.desc(), ItemAuthor.user_id)
    )


def rows(statement: Select) -> list[dict[str, Any]]:
    return [dict(row._mapping) for row in db.session.execute(statement)]
