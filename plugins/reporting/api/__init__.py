"""The reporting API (``/api/v1/t/<tenant>/reporting/...``): one blueprint
(:mod:`.blueprint`) whose routes are in :mod:`.items`, :mod:`.scoring`, :mod:`.bulletins`,
:mod:`.requests`, :mod:`.quotas` and :mod:`.priorities` (信息要点).

Every route goes through ``api_route`` (validation, permission, OpenAPI). What another
tenant never sent or published here answers 404 like a missing record; workflow refusals
answer 409 (state, guard) or 403 (permission), bad input 422.
"""

from plugins.reporting.api import (  # noqa: F401 - the routes
    bulletins,
    commissions,
    items,
    priorities,
    quotas,
    scoring,
)
from plugins.reporting.api.blueprint import bp

__all__ = ["bp"]
