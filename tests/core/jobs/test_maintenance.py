"""Housekeeping: handled occasions are forgotten after the retention, in every tenant."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from core.db import db, utcnow
from core.jobs import once
from core.jobs.maintenance import OCCASION_RETENTION, purge_old_occasions
from core.jobs.models import Occasion
from core.tenancy.scope import cross_tenant_scope, tenant_scope


def test_old_occasions_are_purged_in_every_tenant_and_recent_ones_kept(app_context, factory):
    alpha, beta = factory.tenant("alpha"), factory.tenant("beta")
    for tenant in (alpha, beta):
        with tenant_scope(tenant):
            assert once("old")
            assert once("recent")
            db.session.execute(
                update(Occasion)
                .where(Occasion.key == "old")
                .values(created_at=utcnow() - OCCASION_RETENTION - timedelta(days=1))
            )
    db.session.commit()

    assert purge_old_occasions() == 2
    db.session.commit()
    with cross_tenant_scope("test: look"):
        assert sorted(db.session.scalars(select(Occasion.key))) == ["recent", "recent"]
    with tenant_scope(alpha):
        assert once("old")  # free again
        assert not once("recent")
