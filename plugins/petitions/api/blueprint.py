"""The petitions API blueprint, on which the route modules beside it register."""

from __future__ import annotations

from core.routing import tenant_blueprint

bp = tenant_blueprint(
    "petitions_api", __name__, kind="api", plugin="petitions", prefix="/petitions"
)
