"""Counts of the member registry for the dashboard, in one set-based query."""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, func, select

from core.db import db
from core.orgs.models import VETERAN_BEFORE, Member, OrgUnit


def registry_summary() -> dict[str, Any]:
    """Active members of the tenant in scope, by status and flag, and branch counts."""
    flag = lambda condition: func.coalesce(func.sum(case((condition, 1), else_=0)), 0)  # noqa: E731
    row = db.session.execute(
        select(
            func.count(Member.id),
            flag(Member.status == "formal"),
            flag(Member.status == "probationary"),
            flag(Member.joined_on < VETERAN_BEFORE),
            flag(Member.is_retired),
            flag(Member.is_floating),
        ).where(Member.is_active)
    ).one()
    branches = db.session.scalar(
        select(func.count(OrgUnit.id)).where(OrgUnit.is_active, OrgUnit.kind == "branch")
    )
    total, formal, probationary, veterans, retired, floating = (int(v) for v in row)
    return {
        "total": total,
        "formal": formal,
        "probationary": probationary,
        "veterans": veterans,
        "retired": retired,
        "floating": floating,
        "branches": branches,
    }
