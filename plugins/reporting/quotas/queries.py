"""Quota completion, set-based: one statement for the totals and one for the parts of
every quota of a period the reader can see. The parent runs it in its granted scope and
counts what its children submitted to it; a child runs the same statements and counts
its own submissions (its rows), against the quotas granted to it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, func, select

from core.db import db
from core.tenancy.models import Tenant
from plugins.reporting.models import Quota, QuotaPart, ReportItem, Submission
from plugins.reporting.scoring.periods import Period


def _sent(when: Period) -> Any:
    """Per (receiver, child, category): items the child sent the receiver in the period."""
    start, end = when.bounds
    return (
        select(
            Submission.receiver_tenant_id.label("receiver"),
            Submission.sender_tenant_id.label("child"),
            ReportItem.category,
            func.count().label("sent"),
            func.count().filter(Submission.state.in_(("adopted", "forwarded"))).label("adopted"),
        )
        .join(
            ReportItem,
            and_(ReportItem.tenant_id == Submission.tenant_id, ReportItem.id == Submission.item_id),
        )
        .where(Submission.submitted_at >= start, Submission.submitted_at < end)
        .group_by(Submission.receiver_tenant_id, Submission.sender_tenant_id, ReportItem.category)
        .subquery("sent")
    )


def completion(when: Period) -> list[dict[str, Any]]:
    """Every readable quota of ``when``: required and sent, in total and per kind."""
    sent = _sent(when)
    on = and_(sent.c.receiver == Quota.tenant_id, sent.c.child == Quota.child_tenant_id)
    by_quota: dict[int, list[dict[str, Any]]] = {}
    for part in db.session.execute(_parts_sent(when, sent, on)):
        by_quota.setdefault(part.quota_id, []).append(_progress(dict(part._mapping), part.minimum))
    return [
        {**_progress(dict(row._mapping), row.total), "parts": by_quota.get(row.id, [])}
        for row in db.session.execute(_totals_sent(when, sent, on))
    ]


def _of_period(when: Period) -> Any:
    return and_(
        Quota.year == when.year, Quota.period == when.kind, Quota.period_number == when.number
    )


def _totals_sent(when: Period, sent: Any, on: Any) -> Any:
    """Per quota: the child, the required total, the items sent and adopted."""
    return (
        select(
            Quota.id,
            Quota.tenant_id,
            Quota.child_tenant_id,
            Tenant.name.label("child_name"),
            Quota.total,
            func.coalesce(func.sum(sent.c.sent), 0).label("sent"),
            func.coalesce(func.sum(sent.c.adopted), 0).label("adopted"),
        )
        .join(Tenant, Tenant.id == Quota.child_tenant_id)
        .outerjoin(sent, on)
        .where(_of_period(when))
        .group_by(Quota.id, Quota.tenant_id, Quota.child_tenant_id, Tenant.name, Tenant.slug)
        .order_by(Quota.tenant_id, Tenant.slug)
    )


def _parts_sent(when: Period, sent: Any, on: Any) -> Any:
    """Per quota and kind: the required minimum and the items of that kind sent."""
    return (
        select(
            QuotaPart.quota_id,
            QuotaPart.category,
            QuotaPart.minimum,
            func.coalesce(func.sum(sent.c.sent), 0).label("sent"),
        )
        .join(Quota, and_(Quota.tenant_id == QuotaPart.tenant_id, Quota.id == QuotaPart.quota_id))
        .outerjoin(sent, and_(on, sent.c.category == QuotaPart.category))
        .where(_of_period(when))
        .group_by(QuotaPart.quota_id, QuotaPart.category, QuotaPart.minimum)
        .order_by(QuotaPart.quota_id, QuotaPart.category)
    )


def _progress(row: dict[str, Any], required: int) -> dict[str, Any]:
    """Completion as a whole percentage (capped at 100) and whether it is met."""
    done = int(row["sent"])
    row["sent"] = done
    row["percent"] = 100 if required == 0 else min(100, done * 100 // required)
    row["met"] = done >= required
    return row
