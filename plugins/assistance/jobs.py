"""Scheduled scans of the assistance plugin, each one set-based SQL over the tenant's rows
(run per tenant by the scheduler, inside its scope)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import insert, literal, literal_column, select, update

from core import clock
from core.audit.service import record as audit
from core.db import db, utcnow
from core.tenancy.scope import current_tenant_id
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
    """Mark instalments past due and not fully paid as overdue (逾期), in one statement;
    the to-do list reminds whoever collects repayments."""
    today = clock.today()
    marked = db.session.execute(
        update(Instalment)
        .where(
            Instalment.overdue_since.is_(None),
            Instalment.due_on < today,
            Instalment.paid_fen < Instalment.amount_fen,
        )
        .values(overdue_since=today)
        .execution_options(synchronize_session=False)
    ).rowcount
    if marked:
        audit("assistance.arrears_marked", detail={"count": marked})
    return marked
