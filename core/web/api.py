"""Core API: the caller, tokens, plugins and settings of the tenant."""

from __future__ import annotations

from core.routing import tenant_blueprint

bp = tenant_blueprint("core_api", __name__, kind="api")
