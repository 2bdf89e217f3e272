"""What the workflow's moves do besides changing the state (the effects named in
:data:`plugins.supervision.workflow.ITEM_FLOW`): dates set, reports written, reminders
opened and closed. They import nothing of the workflow, so it can import them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import update

from core import clock
from core.calendar import Due, period_end
from core.db import db
from plugins.supervision.models import SupervisionItem, SupervisionReminder, SupervisionReport
from plugins.supervision.queries.records import settings_of

if TYPE_CHECKING:
    from core.auth.users import Actor


def next_report_due(day: date, cycle: str) -> Due | None:
    """When the next progress report is due after one given (or the item acknowledged)
    on ``day``: a week or a month later, moved to the next working day when that day is
    a rest day (the period-end rule); never for a one-off item."""
    if cycle == "weekly":
        return period_end(day, 7, "natural_days")
    if cycle == "monthly":
        return period_end(day, 1, "months")
    return None


def set_report_due(item: SupervisionItem, day: date) -> None:
    due = next_report_due(day, item.feedback_cycle)
    item.report_due = due.date if due else None
    item.report_due_estimated = bool(due and due.estimated)


def close_reminders(
    item: SupervisionItem, user_id: int | None = None, kinds: Iterable[str] = ()
) -> None:
    """Reminders of ``item`` leave the to-do list once what they asked for is done."""
    statement = (
        update(SupervisionReminder)
        .where(SupervisionReminder.item_id == item.id, SupervisionReminder.done_at.is_(None))
        .values(done_at=clock.now())
    )
    if user_id is not None:
        statement = statement.where(SupervisionReminder.user_id == user_id)
    if kinds:
        statement = statement.where(SupervisionReminder.kind.in_(tuple(kinds)))
    db.session.execute(statement)


def assign(item: SupervisionItem, actor: Actor, _data: Mapping[str, Any]) -> None:
    today = clock.today()
    item.assigned_on = today
    due = period_end(today, settings_of(item)["acknowledge_working_days"], "working_days")
    item.acknowledge_due, item.acknowledge_due_estimated = due.date, due.estimated
    # The person's to-do from now on; the same occasion the scan uses when the
    # acknowledgement is late, so it is never listed twice.
    db.session.add(
        SupervisionReminder(
            item_id=item.id,
            user_id=item.person_user_id,
            occasion=f"acknowledge-{item.acknowledge_due.isoformat()}",
            kind="acknowledge",
            due=item.acknowledge_due,
            sender_id=actor.user_id,
        )
    )


def acknowledge(item: SupervisionItem, _actor: Actor, _data: Mapping[str, Any]) -> None:
    item.acknowledged_on = clock.today()
    set_report_due(item, item.acknowledged_on)
    close_reminders(item, kinds=("acknowledge",))


def report(item: SupervisionItem, actor: Actor, data: Mapping[str, Any]) -> None:
    today = clock.today()
    db.session.add(
        SupervisionReport(
            item_id=item.id,
            author_id=actor.user_id,
            author_name=actor.name,
            text=data["text"].strip(),
            percent=data["percent"],
            reported_on=today,
        )
    )
    item.percent = data["percent"]
    item.last_report_on = today
    set_report_due(item, today)
    close_reminders(item, actor.user_id)


def request_completion(item: SupervisionItem, _actor: Actor, _data: Mapping[str, Any]) -> None:
    item.completion_requested_on = clock.today()


def verify(item: SupervisionItem, _actor: Actor, _data: Mapping[str, Any]) -> None:
    item.closed_on = clock.today()
    item.percent = 100
    item.report_due, item.report_due_estimated = None, False
    item.light = None
    close_reminders(item)


def send_back(item: SupervisionItem, _actor: Actor, _data: Mapping[str, Any]) -> None:
    item.completion_requested_on = None


def rate(item: SupervisionItem, _actor: Actor, data: Mapping[str, Any]) -> None:
    item.rating = data["rating"]
