"""The petitions plugin's periodic jobs (declared in ``plugin.py``): the daily and the
hourly platform scans of deadlines, lights and long-term petitioners' reviews, and the
per-tenant flagging of long-term petitioners."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from core import clock
from core.db import db
from core.plugins.settings import resolved_settings
from core.tenancy.models import Tenant, TenantPlugin
from core.tenancy.scope import cross_tenant_scope, tenant_scope
from plugins.petitions.services.lights import scan_tenant
from plugins.petitions.services.longterm import flag_tenant, scan_reviews


def scan_all(today: date | None = None, *, full: bool = True) -> dict[str, int]:
    """The daily platform job: every tenant's petitions and long-term petitioners'
    reviews. Returns counts (tenants scanned, petition rows and review rows changed)."""
    today = today or clock.today()
    totals = {"tenants": 0, "petitions": 0, "reviews": 0}
    with cross_tenant_scope("petitions: deadline scan", action="petition.deadline_scan"):
        for tenant in petition_tenants():
            with tenant_scope(tenant.id):
                window = resolved_settings(tenant, "petitions")["warning_days"]
                totals["petitions"] += scan_tenant(tenant.id, window, today, full=full)
                totals["reviews"] += scan_reviews(tenant.id, window, today)
            totals["tenants"] += 1
    return totals


def scan_thresholds(today: date | None = None) -> dict[str, int]:
    """The hourly platform job: only the lights the calendar has moved (see above)."""
    return scan_all(today, full=False)


def petition_tenants() -> list[Tenant]:
    """Active tenants that enable the petitions plugin."""
    return list(
        db.session.scalars(
            select(Tenant)
            .join(TenantPlugin, TenantPlugin.tenant_id == Tenant.id)
            .where(TenantPlugin.plugin == "petitions", TenantPlugin.enabled, Tenant.is_active)
            .order_by(Tenant.id)
        )
    )


def run_flagging() -> None:
    """The per-tenant periodic job."""
    flag_tenant()
