"""The to-do items of 约稿 for a child's 信息员: each request sent to the tenant that it
has not yet answered with a submitted item, due on the request's deadline (red once
past it). Read in the tenant's granted scope; it leaves the list when an answer goes up.

The plugin's to-do hook (``plugins.reporting.todo``) adds these to its own items.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import and_, exists

from core import clock
from core.db import db
from core.plugins.types import TodoItem
from core.tenancy.models import Tenant
from core.tenancy.scope import current_tenant_id, granted_scope
from plugins.reporting.commissions.queries import received
from plugins.reporting.deadlines import aware
from plugins.reporting.models import ReportItem, Request
from plugins.reporting.permissions import WRITE

TODO_LIMIT = 50


def unanswered_requests() -> list[Request]:
    """Requests sent to the tenant in scope with no answer of it sent up yet, soonest
    deadline first (run in a granted scope)."""
    answered = exists().where(
        and_(
            ReportItem.tenant_id == current_tenant_id(),
            ReportItem.request_tenant_id == Request.tenant_id,
            ReportItem.request_id == Request.id,
            ReportItem.submitted_at.is_not(None),
            ReportItem.state != "draft",
        )
    )
    statement = received().where(~answered).order_by(Request.deadline, Request.id)
    return list(db.session.scalars(statement.limit(TODO_LIMIT)))


def todo_items(tenant: Tenant, actor: Any) -> list[TodoItem]:
    if actor.user_id is None or not actor.can(WRITE):
        return []
    with granted_scope("reporting: 约稿 to answer"):
        requests = unanswered_requests()
    now = clock.now()
    out = []
    for request in requests:
        deadline = aware(request.deadline)
        out.append(
            TodoItem(
                title=_("【约稿待报】%(topic)s", topic=request.topic),
                url=f"/t/{tenant.slug}/reporting/requests/{request.id}",
                plugin="reporting",
                due=deadline.astimezone(clock.TZ).date(),
                light="red" if deadline <= now else "yellow",
                kind="answer_request",
            )
        )
    return out
