"""Scheduled work of the reporting plugin: every hour, each tenant with children that
enable reporting rebuilds this year's ranking facts (the fast ranking's source), in one
set-based pass (:func:`plugins.reporting.scoring.facts.refresh`)."""

from __future__ import annotations

from core import clock
from core.tenancy.scope import current_tenant_id
from plugins.reporting.commissions.services import reporting_children
from plugins.reporting.scoring import facts


def refresh_ranking_facts() -> int:
    """Run in the tenant's scope by core.jobs (which commits); a tenant without
    children has nothing to rank. Returns the rows written."""
    ranker = current_tenant_id()
    if not reporting_children(ranker):
        return 0
    return facts.refresh(ranker, clock.today().year)
