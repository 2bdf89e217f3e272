"""Every read of 组工信息报送. Reads of another tenant's item run inside the caller's
:func:`~core.tenancy.scope.granted_scope`: what was never submitted or forwarded to the
tenant in scope is simply not found."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, exists, select

from core.db import db
from core.lookup import get_or_404
from core.tenancy.models import Tenant
from core.tenancy.scope import current_tenant_id
from plugins.reporting.models import Instruction, ItemTag, ItemVersion, ReportItem, Submission


def item_or_404(item_id: int) -> ReportItem:
    return get_or_404(ReportItem, item_id)


def submission_or_404(submission_id: int) -> Submission:
    return get_or_404(Submission, submission_id)


def received_submission(item: ReportItem) -> Submission | None:
    """The submission of ``item`` to the tenant in scope, if it received one."""
    return db.session.scalar(
        select(Submission).where(
            Submission.tenant_id == item.tenant_id,
            Submission.item_id == item.id,
            Submission.receiver_tenant_id == current_tenant_id(),
        )
    )


@dataclass(frozen=True)
class Chain:
    """What happened to an item upward: each level it reached, leaders' instructions,
    every version sent."""

    submissions: list[Submission]
    instructions: list[Instruction]
    versions: list[ItemVersion]


def chain_of(item: ReportItem) -> Chain:
    def rows(model, *order):
        return list(
            db.session.scalars(
                select(model)
                .where(model.tenant_id == item.tenant_id, model.item_id == item.id)
                .order_by(*order)
            )
        )

    return Chain(
        submissions=rows(Submission, Submission.level),
        instructions=rows(Instruction, Instruction.instructed_on, Instruction.id),
        versions=rows(ItemVersion, ItemVersion.number),
    )


def my_items(query: dict) -> Select:
    """我的报送: the tenant's own items, filtered by state and category."""
    statement = select(ReportItem)
    for key in ("state", "category"):
        if query.get(key):
            statement = statement.where(getattr(ReportItem, key) == query[key])
    return statement


def inbox(query: dict) -> Select:
    """收件箱: submissions to the tenant in scope (run in a granted scope), filtered by
    child, category, state and date."""
    statement = (
        select(Submission)
        .join(
            ReportItem,
            and_(ReportItem.tenant_id == Submission.tenant_id, ReportItem.id == Submission.item_id),
        )
        .where(Submission.receiver_tenant_id == current_tenant_id())
    )
    if query.get("child_tenant_id"):
        statement = statement.where(Submission.sender_tenant_id == query["child_tenant_id"])
    if query.get("category"):
        statement = statement.where(ReportItem.category == query["category"])
    if query.get("state"):
        statement = statement.where(Submission.state == query["state"])
    if query.get("priority_id"):
        statement = statement.where(_tagged(query["priority_id"]))
    if query.get("since"):
        statement = statement.where(Submission.submitted_at >= query["since"])
    if query.get("until"):
        statement = statement.where(Submission.submitted_at < query["until"])
    return statement


def _tagged(priority_id: int) -> Any:
    """The submitted item carries a tag against the priority ``priority_id``."""
    return exists().where(
        ItemTag.tenant_id == Submission.tenant_id,
        ItemTag.item_id == Submission.item_id,
        ItemTag.priority_id == priority_id,
    )


def items_of(submissions: list[Submission]) -> dict[int, ReportItem]:
    """The items of a page of submissions, in one query (ids are unique platform-wide)."""
    ids = [s.item_id for s in submissions]
    if not ids:
        return {}
    return {i.id: i for i in db.session.scalars(select(ReportItem).where(ReportItem.id.in_(ids)))}


def tenant_names(ids: Iterable[int]) -> dict[int, str]:
    """The names of these tenants in one query (a page of the inbox names each row's
    sender and receiver)."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    return dict(
        db.session.execute(select(Tenant.id, Tenant.name).where(Tenant.id.in_(wanted))).all()
    )
