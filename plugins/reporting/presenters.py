"""Reporting records shaped for the API (and, later, the pages): plain dicts built while
the scope that can read them is open."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _

from core.db import db
from core.tenancy.models import Tenant
from plugins.reporting.diffs import version_differences
from plugins.reporting.models import CATEGORIES, Instruction, ItemVersion, ReportItem, Submission
from plugins.reporting.priorities.queries import tags_of
from plugins.reporting.queries import Chain
from plugins.reporting.workflow import ITEM_FLOW, SUBMISSION_FLOW

ITEM_FIELDS = (
    "id",
    "tenant_id",
    "serial",
    "title",
    "body",
    "word_count",
    "category",
    "doc_type",
    "state",
    "version",
    "pen_name",
    "pen_phone",
    "submitted_at",
    "occurred_at",
    "due_at",
    "is_late",
    "incident_stage",
    "chain_parent_id",
    "request_tenant_id",
    "request_id",
)
SUBMISSION_FIELDS = (
    "id",
    "item_id",
    "level",
    "sender_tenant_id",
    "receiver_tenant_id",
    "state",
    "version",
    "submitted_at",
    "decided_at",
    "adopted_level",
    "issue_label",
)


def _tenant_name(tenant_id: int) -> str:
    tenant = db.session.get(Tenant, tenant_id)
    return tenant.name if tenant is not None else ""


def item_dict(item: ReportItem, tags: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """An item; ``tags`` (from :func:`plugins.reporting.priorities.queries.tags_of`) are
    its 信息要点, looked up for a page of items at once."""
    out = {name: getattr(item, name) for name in ITEM_FIELDS}
    out["tags"] = tags if tags is not None else tags_of([item.id]).get(item.id, [])
    out["state_title"] = ITEM_FLOW.state_title(item.state)
    out["category_title"] = _(CATEGORIES[item.category])
    return out


def submission_dict(
    submission: Submission,
    item: ReportItem | None = None,
    names: Mapping[int, str] | None = None,
    tags: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A submission; ``names`` (from :func:`plugins.reporting.queries.tenant_names`) saves a lookup per tenant."""
    out = {name: getattr(submission, name) for name in SUBMISSION_FIELDS}
    out["state_title"] = SUBMISSION_FLOW.state_title(submission.state)
    for key, tenant_id in (
        ("sender", submission.sender_tenant_id),
        ("receiver", submission.receiver_tenant_id),
    ):
        out[key] = names.get(tenant_id, "") if names is not None else _tenant_name(tenant_id)
    if item is not None:
        for name in ("title", "serial", "category", "doc_type", "word_count"):
            out[name] = getattr(item, name)
        out["tags"] = tags or []
    return out


def _instruction(row: Instruction) -> dict[str, Any]:
    names = ("id", "leader_name", "leader_level", "text", "instructed_on", "recorded_by_tenant_id")
    return {name: getattr(row, name) for name in names}


def _version(row: ItemVersion) -> dict[str, Any]:
    return {name: getattr(row, name) for name in ("number", "title", "body", "word_count", "at")}


def item_detail(item: ReportItem, chain: Chain) -> dict[str, Any]:
    return {
        **item_dict(item),
        "submissions": [submission_dict(s) for s in chain.submissions],
        "instructions": [_instruction(i) for i in chain.instructions],
        "versions": [_version(v) for v in chain.versions],
        # A returned and revised item: what changed from each version sent to the next.
        "differences": version_differences(chain.versions),
    }
