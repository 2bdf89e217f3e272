"""The supervision API's one blueprint (``/api/v1/t/<tenant>/supervision/...``); its
routes are in the modules beside it, by what they act on."""

from __future__ import annotations

from core.routing import tenant_blueprint

bp = tenant_blueprint(
    "supervision_api", __name__, kind="api", plugin="supervision", prefix="/supervision"
)
