"""Reads of 约稿: the sender's list and per-child answers, the child's list. Both run in
a granted scope: the child reads requests granted to it, the sender reads its children's
answering items that were submitted to it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, and_, case, func, select

from core import clock
from core.db import db
from core.i18n import N_
from core.lookup import get_or_404
from core.tenancy.models import Tenant
from core.tenancy.scope import current_tenant_id
from plugins.reporting.deadlines import aware
from plugins.reporting.models import ReportItem, Request, RequestTarget

#: An answer's standing for the sender: 按时 / 逾期 / 未报 (or 待报 before the deadline).
ANSWER_STATES = {
    "on_time": N_("按时报送"),
    "late": N_("逾期报送"),
    "missing": N_("未报送"),
    "pending": N_("待报送"),
}


def request_or_404(request_id: int) -> Request:
    return get_or_404(Request, request_id)


def sent() -> Select:
    """The requests the tenant in scope sent."""
    return select(Request).where(Request.tenant_id == current_tenant_id())


def received() -> Select:
    """The requests sent to the tenant in scope by its parent (granted to it)."""
    me = current_tenant_id()
    return (
        select(Request)
        .join(
            RequestTarget,
            and_(
                RequestTarget.tenant_id == Request.tenant_id, RequestTarget.request_id == Request.id
            ),
        )
        .where(RequestTarget.child_tenant_id == me, Request.tenant_id != me)
    )


def answers_by_child(
    request: Request, now: datetime | None = None, child_tenant_id: int | None = None
) -> list[dict[str, Any]]:
    """Per child the request went to: how many answers it sent, the first one's time, and
    on time / late / missing (pending until the deadline passes). One statement."""
    statement = _answers_statement(request, now or clock.now())
    if child_tenant_id:
        statement = statement.where(RequestTarget.child_tenant_id == child_tenant_id)
    rows = [dict(row._mapping) for row in db.session.execute(statement)]
    for row in rows:
        row["standing_title"] = _(ANSWER_STATES[row["standing"]])
    return rows


def _answers_statement(request: Request, now: datetime) -> Any:
    first = func.min(ReportItem.submitted_at)
    standing = case(
        (first <= request.deadline, "on_time"),
        (first.is_not(None), "late"),
        # Compared here, in Python: SQLite hands the deadline back naive (UTC).
        (aware(request.deadline) < now, "missing"),
        else_="pending",
    )
    return (
        select(
            RequestTarget.child_tenant_id.label("tenant_id"),
            Tenant.name,
            func.count(ReportItem.id).label("answers"),
            first.label("first_submitted_at"),
            standing.label("standing"),
        )
        .join(Tenant, Tenant.id == RequestTarget.child_tenant_id)
        .outerjoin(
            ReportItem,
            and_(
                ReportItem.tenant_id == RequestTarget.child_tenant_id,
                ReportItem.request_tenant_id == request.tenant_id,
                ReportItem.request_id == request.id,
                ReportItem.submitted_at.is_not(None),
            ),
        )
        .where(RequestTarget.request_id == request.id, RequestTarget.tenant_id == request.tenant_id)
        .group_by(RequestTarget.child_tenant_id, Tenant.name, Tenant.slug)
        .order_by(Tenant.slug)
    )


def own_answers(request: Request) -> list[ReportItem]:
    """The tenant in scope's items answering ``request``."""
    return list(
        db.session.scalars(
            select(ReportItem)
            .where(
                ReportItem.tenant_id == current_tenant_id(),
                ReportItem.request_tenant_id == request.tenant_id,
                ReportItem.request_id == request.id,
            )
            .order_by(ReportItem.id)
        )
    )
