"""Scheduled scans of the assistance plugin, in set-based SQL: the annual reviews per
tenant (run per tenant by the scheduler, inside its scope), the arrears as one platform
job over every tenant at once (issue 14)."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

from sqlalchemy import insert, literal, literal_column, select, update

from core import clock
from core.audit.service import record as audit
from core.audit.service import record_per_tenant
from core.db import db, utcnow
from core.jobs.platform import BATCH_ROWS, in_batches, plugin_tenants
from core.tenancy.scope import current_tenant_id, platform_write_scope
from core.tenancy.session import TENANT_CHECKED
from core.workflow import StateChange
from plugins.assistance.models import HardshipRecord, Instalment
from plugins.assistance.queries.records import settings


def open_annual_reviews() -> int:
    """Put every registered record whose annual review falls due within the warning
    window into review (it then shows on the clerks' to-do lists), with one history row
    each, in two statements."""
    horizon = clock.today() + timedelta(days=settings()["review_warning_days"])
    due = (HardshipRecord.tenant_id == current_tenant_id()) & (HardshipRecord.state == "registered")
    due = due & (HardshipRecord.review_due <= horizon)
    db.session.execute(_history_rows(due).execution_options(**{TENANT_CHECKED: True}))
    opened = db.session.execute(
        update(HardshipRecord)
        .where(HardshipRecord.state == "registered", HardshipRecord.review_due <= horizon)
        .values(state="under_review")
        .execution_options(synchronize_session=False)
    ).rowcount
    if opened:
        audit("assistance.reviews_opened", detail={"count": opened, "horizon": str(horizon)})
    return opened


def _history_rows(due: Any) -> Any:
    """``INSERT … SELECT`` of one ``open_review`` history row per record ``due`` picks."""
    now = utcnow()
    columns = ["tenant_id", "workflow", "record_id", "transition", "from_state", "to_state"]
    columns += ["actor_name", "comment", "data", "at", "created_at"]
    rows = select(
        HardshipRecord.tenant_id,
        literal("assistance_record"),
        HardshipRecord.id,
        literal("open_review"),
        literal("registered"),
        literal("under_review"),
        literal("系统"),
        literal("年度复核到期"),
        literal_column("'{}'"),
        literal(now),
        literal(now),
    ).where(due)
    return insert(StateChange).from_select(columns, rows)


def scan_arrears() -> int:
    """Mark instalments past due and not fully paid as overdue (逾期) in the tenant in
    scope; the to-do list reminds whoever collects repayments."""
    return sum(mark_arrears([current_tenant_id()]).values())


def scan_all_arrears() -> dict[str, int]:
    """The platform job: :func:`mark_arrears` for every tenant that enables assistance,
    at once, in the platform write scope."""
    tenants = [tenant.id for tenant in plugin_tenants("assistance")]
    if not tenants:
        return {"tenants": 0, "marked": 0}
    with platform_write_scope("assistance: arrears", tenants, action="assistance.arrears_scan"):
        marked = mark_arrears(tenants)
    return {"tenants": len(tenants), "marked": sum(marked.values())}


def mark_arrears(tenants: list[int], *, batch_rows: int = BATCH_ROWS) -> dict[int, int]:
    """Mark the overdue instalments of ``tenants`` in batches that commit (a marked row no
    longer matches), and audit each tenant's count in its own log, in a fixed number of
    statements; returns the count per tenant that had any."""
    today, table = clock.today(), Instalment.__table__

    def batch(_after: tuple | None) -> Any:
        picked = (
            select(table.c.tenant_id, table.c.id)
            .where(
                table.c.tenant_id.in_(tenants),
                table.c.overdue_since.is_(None),
                table.c.due_on < today,
                table.c.paid_fen < table.c.amount_fen,
            )
            .limit(batch_rows)
            .subquery("s")
        )
        return (
            update(table)
            .where(table.c.tenant_id == picked.c.tenant_id, table.c.id == picked.c.id)
            .values(overdue_since=today)
            .returning(table.c.tenant_id, table.c.id)
        )

    marked = Counter(row[0] for row in in_batches(batch, keyset=False, limit=batch_rows))
    record_per_tenant("assistance.arrears_marked", {t: {"count": n} for t, n in marked.items()})
    return dict(marked)
