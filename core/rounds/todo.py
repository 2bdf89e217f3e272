"""统计报表上报 in the to-do list: a child's leader sees each submission still to be
made (red once past due); the upper level sees each open round with children late."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from core import clock
from core.auth.users import Actor
from core.db import db
from core.plugins.manager import CORE
from core.plugins.types import TodoItem
from core.rounds.figures import submissions_of
from core.rounds.models import RollupRound
from core.rounds.service import my_submissions
from core.rounds.workflow import OPEN, SUBMIT
from core.tenancy.models import Tenant


def todo_items(tenant: Tenant, actor: Actor) -> list[TodoItem]:
    today = clock.today()
    found = []
    if actor.can(SUBMIT):
        for s in my_submissions():
            if s.state in ("draft", "returned"):
                light = "red" if today > s.due_on else "yellow"
                title = _("待上报：%(t)s", t=s.title)
                if s.state == "returned":
                    title = _("被退回，待重新上报：%(t)s", t=s.title)
                url = url_for("rounds.submission_page", tenant=tenant.slug, submission_id=s.id)
                found.append(TodoItem(title, url, CORE, s.due_on, light, "rollup_submission"))
    if actor.can(OPEN):
        found += _late_rounds(tenant, today)
    return found


def _late_rounds(tenant: Tenant, today) -> list[TodoItem]:
    overdue = list(
        db.session.scalars(
            select(RollupRound).where(RollupRound.state == "open", RollupRound.due_on < today)
        )
    )
    if not overdue:
        return []
    done = {
        (s.round_id, s.tenant_id)
        for s in submissions_of(tenant.id, [r.id for r in overdue])
        if s.state == "submitted"
    }
    children = list(
        db.session.scalars(select(Tenant.id).where(Tenant.parent_id == tenant.id, Tenant.is_active))
    )
    items = []
    for r in overdue:
        late = sum(1 for c in children if (r.id, c) not in done)
        if late:
            title = _("%(t)s：%(n)s 个单位逾期未上报", t=r.title, n=late)
            url = url_for("rounds.round_page", tenant=tenant.slug, round_id=r.id)
            items.append(TodoItem(title, url, CORE, r.due_on, "red", "rollup_round"))
    return items
