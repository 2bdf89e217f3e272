"""An existing tenant and an unknown slug are indistinguishable to someone without access."""

from __future__ import annotations

import re

from tests.factories import login


def _page(response) -> str:
    """The page with its CSRF token (in the meta tag, the forms and htmx's headers) blanked:
    the token carries the second it was signed, so two responses may differ in it."""
    page = response.get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page)
    return page.replace(token.group(1), "TOKEN") if token else page


def test_anonymous_visitors_get_the_same_answer_for_any_slug(client, world):
    existing = client.get("/t/b/")
    unknown = client.get("/t/no-such-county/")
    assert existing.status_code == unknown.status_code == 302
    assert "/login" in existing.headers["Location"]
    assert "/login" in unknown.headers["Location"]


def test_a_logged_in_stranger_sees_neither_the_tenant_nor_its_name(app, client, world):
    login(client, "alice")
    existing = client.get("/t/b/")
    unknown = client.get("/t/no-such-county/")
    assert existing.status_code == unknown.status_code == 404
    assert "b单位" not in existing.get_data(as_text=True)
    assert _page(existing) == _page(unknown).replace("/t/no-such-county/", "/t/b/")
