"""API conventions: schema-validated routes, problem+json errors, keyset pages, OpenAPI."""

from core.api.pagination import Page, keyset_page
from core.api.routes import api_route

__all__ = ["Page", "api_route", "keyset_page"]
