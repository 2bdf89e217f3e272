"""Housekeeping jobs core schedules for itself."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete

from core.db import db, utcnow
from core.jobs.models import Occasion
from core.tenancy.scope import cross_tenant_scope

#: An occasion (e.g. "reminder for item 42 at milestone 3 sent") older than this can no
#: longer recur: every deadline the plugins track is shorter than a year.
OCCASION_RETENTION = timedelta(days=400)


def purge_old_occasions() -> int:
    """Forget handled occasions past retention, for every tenant, in one statement."""
    with cross_tenant_scope("maintenance: purge old job occasions", action="maintenance.purge"):
        result = db.session.execute(
            delete(Occasion)
            .where(Occasion.created_at < utcnow() - OCCASION_RETENTION)
            .returning(Occasion.id)
        )
        return len(result.all())
