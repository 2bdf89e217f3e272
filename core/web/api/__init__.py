"""Core API: the caller, tokens, plugins, settings, users, roles and the audit log of the
tenant (``/api/v1/t/<tenant>/…``).

The blueprint is in :mod:`core.web.api.blueprint`; each module beside it holds the routes and schemas of
one resource. Every route goes through :func:`core.api.routes.api_route`, so its input is
validated, its output serialized and the route documented in ``/api/v1/openapi.json``.
The logic lives in :mod:`core.auth.members`, :mod:`core.auth.tokens`,
:mod:`core.plugins.enablement` and :mod:`core.plugins.settings_view`, shared with the admin
pages. An id of another tenant's row is invisible in the scoped session and answers 404;
so does a token of another user without ``core.manage_tokens``.
"""
