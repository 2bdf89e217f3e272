"""The assistance API (``/api/v1/t/<tenant>/assistance/...``): one blueprint
(:mod:`.blueprint`) whose routes are in :mod:`.records` (the register), :mod:`.fund`,
:mod:`.aid` (grants and loans), :mod:`.visits` (pairing and campaigns) and
:mod:`.moves` (every workflow move, generated from the declarations).

Every route goes through ``api_route`` (validation, permission, OpenAPI). Another
tenant's ids are invisible to the scoped session and answer 404; workflow refusals
answer 409 (state, guard) or 403 (permission), bad input 422.
"""
