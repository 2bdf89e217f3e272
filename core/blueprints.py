"""Core's own blueprints, in the order the app registers them (before the plugins').

Each module named here holds one page or API blueprint of core; a URL under
``/t/<slug>/admin`` is in :mod:`core.web.admin`, one under ``/api/v1/t/<slug>/users`` in
:mod:`core.web.api.users`, and so on (``flask routes`` prints the whole map). The API
route modules listed beside :data:`core.web.api.blueprint.bp` add their routes to it
when imported.
"""

from __future__ import annotations

from flask import Blueprint

from core.api.blueprint import bp as api_meta
from core.attachments import views as attachments
from core.auth.views import bp as auth_pages
from core.documents.api import bp as documents_api
from core.documents.views import bp as documents_pages
from core.exportruns import views as exports
from core.orgs.api import bp as orgs_api
from core.orgs.views import bp as orgs_pages
from core.rollup.views import bp as rollup_pages
from core.rounds.views import bp as round_pages
from core.subtree.views import bp as subtree_pages
from core.web import (
    admin_plugins,  # noqa: F401  (its routes join admin_pages)
    platform_calendar,  # noqa: F401  (its routes join platform_pages)
)
from core.web.admin import bp as admin_pages
from core.web.api import audit, me, plugins, roles, settings, tokens, users  # noqa: F401
from core.web.api.blueprint import bp as core_api
from core.web.health import bp as health
from core.web.invitations import bp as invitation_pages
from core.web.platform import bp as platform_pages
from core.web.views import bp as web_pages
from core.web.views import home as home_page

#: Registration order matters only where two rules could match one URL (the home page).
CORE_BLUEPRINTS: tuple[Blueprint, ...] = (
    health,
    auth_pages,
    home_page,
    invitation_pages,
    web_pages,
    admin_pages,
    platform_pages,
    orgs_pages,
    orgs_api,
    rollup_pages,
    round_pages,
    subtree_pages,
    documents_pages,
    documents_api,
    attachments.pages,
    attachments.api,
    exports.pages,
    exports.api,
    core_api,
    api_meta,
)
