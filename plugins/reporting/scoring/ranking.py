"""The rankings, each one SQL statement (CTEs and a window function).

An item counts for the child that sent it to the ranking tenant (its own item, or one it
forwarded from below), in the period its submission to the ranking tenant arrived in. It
scores the points of its adoptions at the ranking level and above (the adopting tenant's
level × the item's document type) — the highest of them, or their sum, as the table says
— plus a bonus per leader's instruction by the leader's level. A child loses points for
each late incident of its own (迟报), each 漏报 the ranking tenant recorded against it, and
each 约稿 sent to it whose deadline passed in the period without an answer in time.

The per-item figures (:func:`received_items`) do not depend on the scoring table: which
level was the highest adoption (``top_<level>``, 0/1), which levels adopted
(``any_<level>``), how many instructions per leader level (``instr_<level>``). Points are
linear in them, so the same formula (:func:`points`, :func:`bonus`) scores one item, or
the monthly sums kept in :class:`~.models.RankingFact` (:mod:`.facts`) — the fast path
for large trees, where reading every granted row under row-level security costs seconds.
The live statements run in the ranker's granted scope: it reads exactly the items sent
to it and the rows that follow them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, Select, and_, case, cast, exists, func, literal, select
from sqlalchemy.orm import aliased

from core import clock
from core.auth.models import User
from core.db import db
from core.sqlfunctions import local_month_start
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
#: Adoption levels, lowest first (their rank orders "the highest adoption").
LEVEL_ORDER = ("county", "city", "province", "centre")


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


def points(table: ScoringTable, source: Any) -> Any:
    """Adoption points of ``source`` rows (an item, or sums of items of one doc type)."""
    prefix = "any" if table.multiple == "sum" else "top"
    terms = []
    for level in LEVEL_ORDER:
        per_type = [
            (source.c.doc_type == kind, pts) for kind, pts in table.adoption_points[level].items()
        ]
        terms.append(getattr(source.c, f"{prefix}_{level}") * case(*per_type, else_=0))
    return sum(terms[1:], terms[0])


def bonus(table: ScoringTable, source: Any) -> Any:
    terms = [
        getattr(source.c, f"instr_{lvl}") * table.instruction_bonus[lvl] for lvl in LEVEL_ORDER
    ]
    return sum(terms[1:], terms[0])


def _rank_of(level: Any) -> Any:
    return case(
        {name: rank for rank, name in enumerate(LEVEL_ORDER, start=1)}, value=level, else_=0
    )


def _instructions() -> Any:
    return (
        select(
            Instruction.tenant_id,
            Instruction.item_id,
            *[
                func.count().filter(Instruction.leader_level == lvl).label(f"instr_{lvl}")
                for lvl in LEVEL_ORDER
            ],
        )
        .group_by(Instruction.tenant_id, Instruction.item_id)
        .subquery("instructions")
    )


def received_items(ranker: int, start: datetime, end: datetime) -> Any:
    """One row per item sent to ``ranker`` in ``[start, end)``, with its table-free figures."""
    received, adoption = aliased(Submission), aliased(Submission)
    top = func.max(
        case((adoption.state.in_(ADOPTED_STATES), _rank_of(adoption.adopted_level)), else_=0)
    )
    instructions = _instructions()
    return (
        select(*_item_columns(received, top), *_level_columns(top, adoption, instructions))
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
            ),
        )
        .outerjoin(
            instructions,
            and_(
                instructions.c.tenant_id == received.tenant_id,
                instructions.c.item_id == received.item_id,
            ),
        )
        .where(
            received.receiver_tenant_id == ranker,
            received.submitted_at >= start,
            received.submitted_at < end,
        )
        .group_by(
            received.tenant_id, received.item_id, received.sender_tenant_id, ReportItem.doc_type
        )
        .cte("received_items")
    )


def _item_columns(received: Any, top: Any) -> list[Any]:
    """Who owns and sent the item, its type, month, and whether it was adopted or late."""
    return [
        received.tenant_id.label("owner"),
        received.item_id.label("item_id"),
        received.sender_tenant_id.label("child"),
        ReportItem.doc_type,
        func.min(local_month_start(received.submitted_at)).label("month"),
        (top > 0).cast(Integer).label("adopted"),
        # max(CASE …) rather than bool_or: SQLite (the embedded mode) has no bool_or.
        func.max(case((and_(received.level == 1, ReportItem.is_late), 1), else_=0)).label("late"),
    ]


def _level_columns(top: Any, adoption: Any, instructions: Any) -> list[Any]:
    """Per level: whether the item's highest adoption is there (0/1), whether any adoption
    is there (0/1), and how many leaders' instructions it has at that level."""
    adopted_at = [
        func.max(
            case(
                (and_(adoption.state.in_(ADOPTED_STATES), adoption.adopted_level == lvl), 1),
                else_=0,
            )
        ).label(f"any_{lvl}")
        for lvl in LEVEL_ORDER
    ]
    instructed = [
        func.coalesce(func.max(getattr(instructions.c, f"instr_{lvl}")), 0).label(f"instr_{lvl}")
        for lvl in LEVEL_ORDER
    ]
    highest = [
        (top == rank).cast(Integer).label(f"top_{lvl}") for rank, lvl in enumerate(LEVEL_ORDER, 1)
    ]
    return [*highest, *adopted_at, *instructed]


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


def children_of(ranker: int) -> Any:
    """The active children of ``ranker`` that enable reporting, as a subquery."""
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


def per_child_sums(source: Any, table: ScoringTable, count: Any) -> Any:
    """Per child: submitted (``count``), adopted, points, bonus and late of ``source``."""
    return (
        select(
            source.c.child,
            count.label("submitted"),
            func.sum(source.c.adopted).label("adopted"),
            func.sum(points(table, source)).label("points"),
            func.sum(bonus(table, source)).label("bonus"),
            func.sum(source.c.late).label("late"),
        )
        .group_by(source.c.child)
        .subquery("per_child")
    )


def ranked(ranker: int, period: Period, table: ScoringTable, per_child: Any) -> Select:
    """Every child with its figures, penalties, score and rank (equal scores share one)."""
    children, missed = children_of(ranker), _missed(ranker, period)
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
    score = cast(literal(table.base) + gained - penalty, Integer).label("score")
    return (
        select(
            children.c.id.label("tenant_id"),
            children.c.name,
            cast(func.coalesce(per_child.c.submitted, 0), Integer).label("submitted"),
            cast(func.coalesce(per_child.c.adopted, 0), Integer).label("adopted"),
            cast(func.coalesce(per_child.c.points, 0), Integer).label("points"),
            cast(func.coalesce(per_child.c.bonus, 0), Integer).label("bonus"),
            cast(late, Integer).label("late"),
            lost.label("missed"),
            gone.label("requests_missed"),
            cast(penalty, Integer).label("penalty"),
            score,
            func.rank().over(order_by=score.desc()).label("rank"),
        )
        .outerjoin(per_child, per_child.c.child == children.c.id)
        .outerjoin(missed, missed.c.child == children.c.id)
        .outerjoin(unanswered, unanswered.c.child == children.c.id)
        .order_by(score.desc(), children.c.slug)
    )


def tenant_ranking(ranker: int, period: Period, table: ScoringTable) -> Select:
    """The live ranking of ``ranker``'s children, read from the granted rows."""
    items = received_items(ranker, *period.bounds)
    return ranked(ranker, period, table, per_child_sums(items, table, func.count()))


def author_ranking(ranker: int, period: Period, table: ScoringTable) -> Select:
    """Authors of the items sent to ``ranker``: each author gets an item's points and
    bonus (authors are not penalised; their unit is)."""
    items = received_items(ranker, *period.bounds)
    score = cast(func.sum(points(table, items) + bonus(table, items)), Integer).label("score")
    return (
        select(
            ItemAuthor.user_id,
            User.display_name.label("name"),
            items.c.child.label("tenant_id"),
            func.count().label("items"),
            cast(func.sum(items.c.adopted), Integer).label("adopted"),
            score,
            func.rank().over(order_by=score.desc()).label("rank"),
        )
        .select_from(items)
        .join(
            ItemAuthor,
            and_(ItemAuthor.tenant_id == items.c.owner, ItemAuthor.item_id == items.c.item_id),
        )
        .join(User, User.id == ItemAuthor.user_id)
        .group_by(ItemAuthor.user_id, User.display_name, items.c.child)
        .order_by(score.desc(), ItemAuthor.user_id)
    )


def rows(statement: Select) -> list[dict[str, Any]]:
    return [dict(row._mapping) for row in db.session.execute(statement)]
