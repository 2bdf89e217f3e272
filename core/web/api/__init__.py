"""Core API: the caller, tokens, plugins, settings, users, roles and the audit log of the
tenant (``/api/v1/t/<tenant>/…``).

This package holds the blueprint; each module beside it holds the routes and schemas of
one resource. Every route goes through :func:`core.api.routes.api_route`, so its input is
validated, its output serialized and the route documented in ``/api/v1/openapi.json``.
The logic lives in :mod:`core.auth.members`, :mod:`core.auth.tokens`,
:mod:`core.plugins.enablement` and :mod:`core.plugins.settings_view`, shared with the admin
pages. An id of another tenant's row is invisible in the scoped session and answers 404;
so does a token of another user without ``core.manage_tokens``.
"""

from __future__ import annotations

from core.api.problem import problem
from core.auth.members import AdminConflict
from core.plugins.manager import PluginError
from core.routing import tenant_blueprint

bp = tenant_blueprint("core_api", __name__, kind="api")


@bp.errorhandler(AdminConflict)
def _conflict(exc: AdminConflict):
    return problem(409, exc.message)


@bp.errorhandler(PluginError)
def _plugin_conflict(exc: PluginError):
    return problem(409, str(exc))


# The route modules register themselves on ``bp``.
from core.web.api import audit, me, plugins, roles, settings, tokens, users  # noqa: E402

__all__ = ["audit", "bp", "me", "plugins", "roles", "settings", "tokens", "users"]
