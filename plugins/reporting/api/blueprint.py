"""The reporting API's one blueprint (``/api/v1/t/<tenant>/reporting/...``); its routes
are in the modules beside it, by what they act on."""

from __future__ import annotations

from typing import Any

from core.routing import tenant_blueprint
from core.tenancy.scope import granted_scope

bp = tenant_blueprint(
    "reporting_api", __name__, kind="api", plugin="reporting", prefix="/reporting"
)


def reading(what: str) -> Any:
    """A granted scope for one audited read of what other tenants granted here."""
    return granted_scope(f"reporting: {what}")
