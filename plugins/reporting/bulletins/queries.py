"""Reads of 期刊, in the reader's granted scope: the publisher reads its own issues, a
descendant the published issues of its ancestors (granted at publication)."""

from __future__ import annotations

from typing import Any

from flask import abort
from sqlalchemy import Select, select

from core.db import db
from core.lookup import get_or_404
from core.tenancy.models import Tenant
from plugins.reporting.bulletins.workflow import ISSUE_FLOW, entries_of
from plugins.reporting.models import Bulletin, Issue, IssueEntry

ISSUE_FIELDS = (
    "id",
    "tenant_id",
    "bulletin_id",
    "year",
    "number",
    "label",
    "state",
    "published_at",
)
ENTRY_FIELDS = (
    "id",
    "item_tenant_id",
    "item_id",
    "position",
    "editor_note",
    "edited_title",
    "edited_body",
)


def bulletins() -> Select:
    return select(Bulletin)


def bulletin_or_404(bulletin_id: int) -> Bulletin:
    return get_or_404(Bulletin, bulletin_id)


def issue_or_404(issue_id: int) -> Issue:
    return get_or_404(Issue, issue_id)


def entry_or_404(issue: Issue, entry_id: int) -> IssueEntry:
    entry = get_or_404(IssueEntry, entry_id)
    if entry.issue_id != issue.id:
        abort(404)
    return entry


def issues(query: dict[str, Any]) -> Select:
    statement = select(Issue)
    for key in ("bulletin_id", "year", "state"):
        if query.get(key):
            statement = statement.where(getattr(Issue, key) == query[key])
    return statement


def issue_dict(issue: Issue) -> dict[str, Any]:
    out = {name: getattr(issue, name) for name in ISSUE_FIELDS}
    out["state_title"] = ISSUE_FLOW.state_title(issue.state)
    return out


def _source(tenant_id: int) -> str:
    tenant = db.session.get(Tenant, tenant_id)
    return tenant.name if tenant is not None else ""


def issue_detail(issue: Issue) -> dict[str, Any]:
    return {
        **issue_dict(issue),
        "entries": [
            {**{n: getattr(e, n) for n in ENTRY_FIELDS}, "source": _source(e.item_tenant_id)}
            for e in entries_of(issue)
        ],
    }
