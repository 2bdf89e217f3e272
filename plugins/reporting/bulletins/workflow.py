"""An issue's one move: 发布 (publish), made through
:func:`plugins.reporting.bulletins.services.publish`, which also grants the issue to every
descendant of the publisher and records it on the chain of each item in it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from core import clock
from core.db import db
from core.i18n import N_
from core.workflow import Transition, Workflow
from plugins.reporting.deadlines import utc
from plugins.reporting.models import Issue, IssueEntry
from plugins.reporting.permissions import ADOPT

if TYPE_CHECKING:
    from core.auth.users import Actor

ISSUE_STATES = {"draft": N_("编辑中"), "published": N_("已发布")}


def entries_of(issue: Issue) -> list[IssueEntry]:
    return list(
        db.session.scalars(
            select(IssueEntry)
            .where(IssueEntry.tenant_id == issue.tenant_id, IssueEntry.issue_id == issue.id)
            .order_by(IssueEntry.position, IssueEntry.id)
        )
    )


def _has_entries(issue: Issue, _actor: Actor, _data: Any) -> str | None:
    count = db.session.scalar(
        select(func.count()).select_from(IssueEntry).where(IssueEntry.issue_id == issue.id)
    )
    return None if count else _("本期还没有编入信息，不能发布")


def _published(issue: Issue, _actor: Actor, _data: Any) -> None:
    issue.published_at = utc(clock.now())


ISSUE_FLOW = Workflow(
    "reporting_issue",
    states=ISSUE_STATES,
    initial="draft",
    transitions=[
        Transition(
            "publish",
            ("draft",),
            "published",
            N_("发布"),
            permission=ADOPT,
            guards=(_has_entries,),
            effects=(_published,),
        ),
    ],
)
