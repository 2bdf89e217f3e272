"""The core API's blueprint and its error handlers; the route modules beside it register
on it, and :mod:`core.app` imports them all before registering it."""

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
