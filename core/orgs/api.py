"""API for org units and members."""

from __future__ import annotations

from core.routing import tenant_blueprint

bp = tenant_blueprint("orgs_api", __name__, kind="api", prefix="/orgs")
