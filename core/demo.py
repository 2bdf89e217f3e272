"""The embedded mode's first start: demo tenants from ``tenants/`` and their demo data."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from sqlalchemy import select

from core.db import db
from core.plugins.manager import hook_for
from core.tenancy.manifests import sync
from core.tenancy.models import Tenant
from core.tenancy.scope import tenant_scope

TENANTS_DIR = Path(__file__).resolve().parent.parent / "tenants"


def first_start(app: Flask, directory: Path = TENANTS_DIR) -> list[str]:
    """Sync the manifests; on the very first start also create demo data. Returns the
    lines to print (a problem with the manifests; the logins are in the banner)."""
    if not directory.is_dir():
        return [f"no tenant manifests at {directory}"]
    fresh = db.session.scalar(select(Tenant.id).where(Tenant.kind != "platform").limit(1)) is None
    tenants = sync(directory)
    if fresh:
        for tenant in tenants:
            with tenant_scope(tenant.id):
                hook_for(tenant).zugong_demo_data(tenant=tenant)
    db.session.commit()
    return []  # the logins are printed by the start banner (core.banner)
