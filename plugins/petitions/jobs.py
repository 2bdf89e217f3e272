"""The petitions plugin's periodic jobs (declared in ``plugin.py``): the daily and the
hourly platform scans of deadlines, lights and long-term petitioners' reviews, and the
per-tenant flagging of long-term petitioners."""

from __future__ import annotations

from datetime import date

from core import clock
from core.jobs.platform import plugin_tenants
from core.plugins.settings import resolved_settings_of
from core.tenancy.models import Tenant
from core.tenancy.scope import platform_write_scope
from plugins.petitions.services.lights import scan_tenants
from plugins.petitions.services.longterm import flag_tenant, scan_reviews


def scan_all(today: date | None = None, *, full: bool = True) -> dict[str, int]:
    """The daily platform job: every tenant's petitions and long-term petitioners'
    reviews, set-based across tenants (a fixed number of statements however many there
    are), committed in batches. Returns counts (tenants scanned, petition rows and
    review rows changed)."""
    today = today or clock.today()
    tenants = [tenant.id for tenant in petition_tenants()]
    totals = {"tenants": len(tenants), "petitions": 0, "reviews": 0}
    if not tenants:
        return totals
    settings = resolved_settings_of(tenants, "petitions")
    windows = {tenant_id: settings[tenant_id]["warning_days"] for tenant_id in tenants}
    with platform_write_scope("petitions: deadline scan", tenants, action="petition.deadline_scan"):
        totals["petitions"] = scan_tenants(windows, today, full=full)
        totals["reviews"] = scan_reviews(windows, today)
    return totals


def scan_thresholds(today: date | None = None) -> dict[str, int]:
    """The hourly platform job: only the lights the calendar has moved (see above)."""
    return scan_all(today, full=False)


def petition_tenants() -> list[Tenant]:
    """Active tenants that enable the petitions plugin."""
    return plugin_tenants("petitions")


def run_flagging() -> None:
    """The per-tenant periodic job."""
    flag_tenant()
