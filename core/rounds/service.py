"""Opening a round, submitting to it, returning a submission, and the upper level's
view of a round (who submitted, who is late, the totals over the snapshots)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.exceptions import NotFound

from core import clock
from core.auth.users import Actor, system_actor
from core.db import db
from core.jobs.dispatch import once
from core.rollup.service import available
from core.rollup.tree import Node, subtree
from core.rollup.types import Period
from core.rounds.figures import Figures, as_json, generated, period_of, submissions_of, summed
from core.rounds.models import RollupRound, RollupSubmission
from core.rounds.workflow import OPEN, ROUND_FLOW, SUBMISSION_FLOW
from core.tenancy.models import Tenant
from core.tenancy.scope import tenant_scope
from core.workflow import TransitionForbidden


class RoundError(ValueError):
    """Bad input for a round: a clear Chinese message, nothing changed."""


@dataclass
class Line:
    """One child on the upper level's page."""

    node: Node
    submission: RollupSubmission | None
    late: bool

    @property
    def state(self) -> str:
        return self.submission.state if self.submission else "draft"


@dataclass
class Overview:
    round: RollupRound
    lines: list[Line]
    totals: Figures

    @property
    def submitted(self) -> list[Line]:
        return [line for line in self.lines if line.state == "submitted"]

    @property
    def late(self) -> list[Line]:
        return [line for line in self.lines if line.late]


def open_round(
    tenant: Tenant, actor: Actor, title: str, plugins: list[str], period: Period, due_on: date
) -> RollupRound:
    """Open a round in ``tenant`` (in scope) and a draft submission in each direct child."""
    if not actor.can(OPEN):
        raise TransitionForbidden(_("您没有发起统计报表上报的权限"))
    children = subtree(tenant.id).children.get(tenant.id, [])
    _check(title, plugins, due_on, available(tenant), children)
    fields = {
        "title": title.strip(),
        "plugins": sorted(set(plugins)),
        "period_kind": period.kind,
        "period_start": period.start,
        "period_end": period.end,
        "period_title": period.title,
        "due_on": due_on,
    }
    opened = RollupRound(**fields, opened_by=actor.user_id)
    db.session.add(opened)
    ROUND_FLOW.start(opened, actor)
    db.session.flush()
    for child in children:
        # Each child's row is written in its own tenant, with its own history and audit.
        with tenant_scope(child.id):
            draft = RollupSubmission(**fields, round_id=opened.id, parent_tenant_id=tenant.id)
            db.session.add(draft)
            SUBMISSION_FLOW.start(draft, actor, comment=_("上级发起：%(t)s", t=fields["title"]))
    return opened


def _check(
    title: str, plugins: list[str], due_on: date, offered: list[str], children: list
) -> None:
    if not title.strip():
        raise RoundError(_("请填写上报标题。"))
    if not plugins or set(plugins) - set(offered):
        raise RoundError(_("请选择本级及下级启用的统计项目。"))
    if due_on < clock.today():
        raise RoundError(_("截止日期不能早于今天。"))
    if not children:
        raise RoundError(_("本单位没有下级单位，无需发起上报。"))


def submission(submission_id: int) -> RollupSubmission:
    """One of the tenant-in-scope's submissions; another tenant's is a 404."""
    found = db.session.get(RollupSubmission, submission_id)
    if found is None:
        raise NotFound()
    return found


def live(tenant: Tenant, draft: RollupSubmission) -> Figures:
    """The figures generated for ``tenant``'s submission now."""
    figures, _used = generated(tenant, period_of(draft), list(draft.plugins))
    return figures


def submit(tenant: Tenant, draft: RollupSubmission, actor: Actor, notes: str | None) -> None:
    """Freeze the generated figures as the snapshot and submit them (once)."""
    SUBMISSION_FLOW.fire(draft, "submit", actor, comment=notes)
    draft.figures = as_json(live(tenant, draft))
    draft.notes = (notes or "").strip() or None
    draft.submitted_at = clock.now()
    draft.submitted_by = actor.user_id


def return_submission(
    upper: Tenant, opened: RollupRound, child_id: int, actor: Actor, why: str
) -> None:
    """The upper level sends a submission back (in the child's tenant, audited there)."""
    if not actor.can(OPEN):
        raise TransitionForbidden(_("您没有退回上报的权限"))
    found = {s.tenant_id: s.id for s in submissions_of(upper.id, [opened.id])}
    if child_id not in found:
        raise NotFound()
    with tenant_scope(child_id):
        SUBMISSION_FLOW.fire(
            db.session.get(RollupSubmission, found[child_id]), "return", actor, comment=why
        )


def rounds_of(tenant_id: int) -> list[RollupRound]:
    del tenant_id  # the ORM criteria keep the tenant in scope's rows alone
    return list(db.session.scalars(select(RollupRound).order_by(RollupRound.id.desc())))


def overview(tenant: Tenant, round_id: int) -> Overview:
    """The upper level's view: each direct child's state, late ones, snapshot totals."""
    opened = db.session.get(RollupRound, round_id)
    if opened is None:
        raise NotFound()
    by_child = {s.tenant_id: s for s in submissions_of(tenant.id, [opened.id])}
    overdue = clock.today() > opened.due_on
    lines = []
    for child in subtree(tenant.id).children.get(tenant.id, []):
        found = by_child.get(child.id)
        late = overdue and (found is None or found.state != "submitted")
        lines.append(Line(child, found, late))
    totals = summed([line.submission.figures or {} for line in lines if line.state == "submitted"])
    return Overview(opened, lines, totals)


def close(opened: RollupRound, actor: Actor) -> None:
    ROUND_FLOW.fire(opened, "close", actor)


def my_submissions() -> list[RollupSubmission]:
    """The tenant-in-scope's submissions, newest first (its to-do list and page)."""
    return list(db.session.scalars(select(RollupSubmission).order_by(RollupSubmission.id.desc())))


def remind_late() -> int:
    """A tenant's job: a reminder note (history + audit, once per submission and due
    date) on each of its submissions still not submitted after the due date."""
    count = 0
    for draft in my_submissions():
        if draft.state == "submitted" or clock.today() <= draft.due_on:
            continue
        if once(f"rollup_submission.remind:{draft.id}:{draft.due_on.isoformat()}"):
            SUBMISSION_FLOW.note(draft, "remind", system_actor(), comment=_("已逾期未上报"))
            count += 1
    return count
