"""Writes of 期刊: bulletin titles, issues numbered gaplessly per bulletin and year
(core.serials), entries composed from items this tenant adopted (the edited text is the
issue's; the submitted text stays untouched in the child's rows), and publishing."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import func, select

from core import clock
from core.auth.users import Actor
from core.db import db
from core.serials import next_serial
from core.tenancy.grants import grant
from core.tenancy.models import Tenant
from core.tenancy.scope import current_tenant_id, granted_scope
from core.workflow import StateChange
from plugins.reporting.bulletins.workflow import ISSUE_FLOW
from plugins.reporting.models import Bulletin, Issue, IssueEntry, ReportItem, Submission
from plugins.reporting.services import record_in_issue

#: Submissions in these states were adopted by the level that received them.
ADOPTED = ("adopted", "forwarded")


def create_bulletin(title: str) -> Bulletin:
    title = title.strip().strip("《》").strip()
    if not title:
        raise ValidationError({"title": [_("请填写期刊名称")]})
    if db.session.scalar(select(Bulletin.id).where(Bulletin.title == title)):
        raise ValidationError({"title": [_("本单位已有同名期刊")]})
    bulletin = Bulletin(title=title, is_active=True)
    db.session.add(bulletin)
    db.session.flush()
    return bulletin


def create_issue(bulletin: Bulletin, actor: Actor, year: int | None = None) -> Issue:
    """The bulletin's next issue of the year: 第N期, gapless (a rolled-back request gives
    its number back)."""
    if not bulletin.is_active:
        raise ValidationError({"bulletin_id": [_("该期刊已停用")]})
    year = year or clock.today().year
    serial = next_serial(f"QK{bulletin.id}", width=1, year=year)
    number = int(serial.rsplit("-", 1)[1])
    issue = Issue(
        bulletin_id=bulletin.id,
        year=year,
        number=number,
        label=_(
            "《%(title)s》%(year)s年第%(number)s期", title=bulletin.title, year=year, number=number
        ),
        published_at=None,
    )
    db.session.add(issue)
    ISSUE_FLOW.start(issue, actor)
    return issue


def _editable(issue: Issue) -> None:
    if issue.state != "draft":
        raise ValidationError({"_schema": [_("已发布的期刊不能再修改")]})


def add_entry(issue: Issue, data: Mapping[str, Any]) -> IssueEntry:
    """Put an item this tenant adopted into the issue (by its submission to this tenant)."""
    _editable(issue)
    with granted_scope("reporting: composing an issue from adopted items"):
        submission = db.session.get(Submission, data["submission_id"])
        if (
            submission is None
            or submission.receiver_tenant_id != current_tenant_id()
            or submission.state not in ADOPTED
        ):
            raise ValidationError({"submission_id": [_("只能编入本单位已采用的信息")]})
        item = db.session.get(ReportItem, submission.item_id)
    taken = db.session.scalar(
        select(IssueEntry.id).where(
            IssueEntry.issue_id == issue.id,
            IssueEntry.item_tenant_id == item.tenant_id,
            IssueEntry.item_id == item.id,
        )
    )
    if taken:
        raise ValidationError({"submission_id": [_("该信息已编入本期")]})
    last = db.session.scalar(
        select(func.max(IssueEntry.position)).where(IssueEntry.issue_id == issue.id)
    )
    entry = IssueEntry(
        issue_id=issue.id,
        item_tenant_id=item.tenant_id,
        item_id=item.id,
        position=data.get("position") if data.get("position") is not None else (last or 0) + 1,
        editor_note=data.get("editor_note"),
        edited_title=data.get("edited_title") or item.title,
        edited_body=data.get("edited_body") or item.body,
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def update_entry(issue: Issue, entry: IssueEntry, data: Mapping[str, Any]) -> IssueEntry:
    _editable(issue)
    for field in ("position", "editor_note", "edited_title", "edited_body"):
        if field in data:
            setattr(entry, field, data[field])
    return entry


def remove_entry(issue: Issue, entry: IssueEntry) -> None:
    _editable(issue)
    db.session.delete(entry)
    db.session.flush()


def publish(issue: Issue, actor: Actor, comment: str | None = None) -> StateChange:
    """发布: the move, then the issue is granted to every descendant of the publisher and
    each item's chain records 采用于《…》."""
    change = ISSUE_FLOW.fire(issue, "publish", actor, comment=comment)
    entries = db.session.scalars(select(IssueEntry).where(IssueEntry.issue_id == issue.id)).all()
    for entry in entries:
        record_in_issue(entry.item_tenant_id, entry.item_id, issue.label, actor)
    for tenant in db.session.get(Tenant, issue.tenant_id).descendants():
        grant(issue, tenant.id, "reporting: issue published to the descendants")
    return change
