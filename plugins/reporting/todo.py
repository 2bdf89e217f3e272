"""What the reporting plugin puts on a user's to-do list and dashboard.

To-do: items waiting for the leader's 报送审批 (to those who may approve), items the
parent returned for revision (to their authors and writer), incidents still to be sent
up (to writers, red once past due), and — for an upper level — submissions waiting in the
inbox. 约稿 not yet answered come from :mod:`plugins.reporting.commissions.todo`. Each is
read from the records themselves, so it leaves the list the moment the
record moves on.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import or_, select

from core import clock
from core.db import db
from core.plugins.types import TodoItem
from core.tenancy.models import Tenant
from core.tenancy.scope import granted_scope
from plugins.reporting import page_queries
from plugins.reporting.commissions import todo as commissions_todo
from plugins.reporting.deadlines import aware
from plugins.reporting.models import ItemAuthor, ReportItem
from plugins.reporting.permissions import ADOPT, APPROVE, WRITE
from plugins.reporting.quotas import queries as quota_queries

#: A to-do list shows the most pressing records, not a years-long backlog.
TODO_LIMIT = 50
#: Incidents not yet sent up: still being written or waiting for approval.
UNSENT = ("draft", "awaiting_approval", "returned")
#: The dashboard shows the first few quotas of the quarter; the page has them all.
QUOTAS_SHOWN = 4


def _url(tenant: Tenant, item: ReportItem) -> str:
    return f"/t/{tenant.slug}/reporting/items/{item.id}"


def _items(*conditions: Any) -> list[ReportItem]:
    statement = select(ReportItem).where(*conditions).order_by(ReportItem.id).limit(TODO_LIMIT)
    return list(db.session.scalars(statement))


def _mine(actor: Any) -> Any:
    """Items the user wrote or is an author of."""
    authored = select(ItemAuthor.item_id).where(ItemAuthor.user_id == actor.user_id)
    return or_(ReportItem.created_by == actor.user_id, ReportItem.id.in_(authored))


def _incident(tenant: Tenant, item: ReportItem, now: Any) -> TodoItem:
    due = aware(item.due_at)
    return TodoItem(
        title=_("【突发事件待报送】%(serial)s %(title)s", serial=item.serial, title=item.title),
        url=_url(tenant, item),
        plugin="reporting",
        due=due.astimezone(clock.TZ).date(),
        light="red" if due <= now else "yellow",
        kind="incident_due",
    )


def todo_items(tenant: Tenant, actor: Any) -> list[TodoItem]:
    if actor.user_id is None:
        return []
    out: list[TodoItem] = []
    if actor.can(APPROVE):
        for item in _items(ReportItem.state == "awaiting_approval"):
            title = _("【报送审批】%(serial)s %(title)s", serial=item.serial, title=item.title)
            out.append(TodoItem(title, _url(tenant, item), "reporting", kind="approve"))
    if actor.can(WRITE):
        for item in _items(ReportItem.state == "returned", _mine(actor)):
            title = _("【退回修改】%(serial)s %(title)s", serial=item.serial, title=item.title)
            out.append(
                TodoItem(title, _url(tenant, item), "reporting", light="yellow", kind="revise")
            )
        now = clock.now()
        incidents = _items(ReportItem.category == "incident", ReportItem.state.in_(UNSENT))
        out.extend(_incident(tenant, item, now) for item in incidents if item.due_at is not None)
    out.extend(commissions_todo.todo_items(tenant, actor))
    if actor.can(ADOPT):
        waiting = inbox_waiting()
        if waiting:
            out.append(
                TodoItem(
                    _("【收件箱】下级报送待处理 %(n)s 条", n=waiting),
                    f"/t/{tenant.slug}/reporting/inbox?state=submitted",
                    "reporting",
                    kind="inbox",
                )
            )
    return out


def inbox_waiting() -> int:
    with granted_scope("reporting: inbox count"):
        return page_queries.count_inbox_waiting()


def widget_context(tenant: Tenant, actor: Any) -> dict[str, Any]:
    """The dashboard's counts: what waits for approval here, in the inbox, this quarter's
    quota progress and this tenant's place in the latest ranking published to it."""
    with granted_scope("reporting: dashboard"):
        rank = page_queries.my_latest_rank()
        quotas = quota_queries.completion(page_queries.current_quarter())
    return {
        "rank": rank,
        "quotas": quotas[:QUOTAS_SHOWN],
        "quotas_url": f"/t/{tenant.slug}/reporting/quotas",
        "rank_url": f"/t/{tenant.slug}/reporting/rankings/{rank['id']}" if rank else None,
        "awaiting": page_queries.count_mine("awaiting_approval"),
        "returned": page_queries.count_mine("returned"),
        "inbox": inbox_waiting() if actor.can(ADOPT) else None,
        "mine_url": f"/t/{tenant.slug}/reporting/",
        "inbox_url": f"/t/{tenant.slug}/reporting/inbox?state=submitted",
    }
