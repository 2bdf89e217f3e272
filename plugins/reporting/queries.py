"""Every read of 组工信息报送. Reads of another tenant's item run inside the caller's
:func:`~core.tenancy.scope.granted_scope`: what was never submitted or forwarded to the
tenant in scope is simply not found."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from core.db import db
from core.lookup import get_or_404
from core.tenancy.scope import current_tenant_id
from plugins.reporting.models import Instruction, ItemVersion, ReportItem, Submission


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
