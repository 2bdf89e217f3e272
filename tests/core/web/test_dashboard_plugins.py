"""The dashboard's enabled modules (issue 13): a module shows for a user who has a menu
for it; for the one who assigns roles, an enabled module they cannot open is marked
未分配角色 with the way to the people page; everyone else does not see it at all."""

from __future__ import annotations

import lxml.html
import pytest

from tests.factories import login


@pytest.fixture
def county(factory):
    factory.tenant("county", plugins=["assistance"])
    factory.user("county", "admin", roles=["admin"])
    factory.user("county", "staff", roles=["staff"])
    factory.user("county", "clerk", roles=["staff", "assistance_clerk"])


def _badges(client, username: str) -> dict[str, str | None]:
    login(client, username)
    page = lxml.html.fromstring(client.get("/t/county/").get_data(as_text=True))
    return {
        b.get("data-plugin"): b.get("data-unassigned")
        for b in page.xpath("//*[@id='enabled-plugins']/*[@data-plugin]")
    }


def test_a_module_with_a_menu_shows_plainly(client, county):
    assert _badges(client, "clerk") == {"assistance": None}


def test_the_admin_sees_an_enabled_module_they_have_no_role_in_marked(client, county):
    assert _badges(client, "admin") == {"assistance": "yes"}


def test_a_user_without_the_module_does_not_see_it(client, county):
    assert _badges(client, "staff") == {}
