"""The supervision API (``/api/v1/t/<tenant>/supervision/...``): one blueprint
(:mod:`.blueprint`) whose routes are in :mod:`.items`, :mod:`.followup` and :mod:`.tables`.

Every route goes through ``api_route`` (validation, permission, OpenAPI). Another
tenant's ids are invisible to the scoped session and answer 404; workflow refusals
answer 409 (state, guard) or 403 (permission), bad input 422.
"""
