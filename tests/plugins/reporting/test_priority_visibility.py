"""信息要点 across the tree, with the ORM criteria on and off (row-level security alone):
each tenant is offered exactly its ancestors' priorities, tags only with those (a
sibling's, a cousin's branch's or an unrelated tenant's are refused, nothing changed),
and only the owner reads a priority's history or changes it."""

from __future__ import annotations

import pytest

from tests.factories import bearer
from tests.plugins.reporting.test_api import BODY, _ok, _url
from tests.plugins.reporting.test_visibility import criteria  # noqa: F401 - fixture

PLUGINS = ["reporting"]
EVERYONE = ("county", "city", "province", "sibling", "other_city", "cousin", "unrelated")
#: Whose priorities each tenant is offered: its ancestors', nobody else's.
OFFERED = {
    "county": {"city", "province"},
    "sibling": {"city", "province"},
    "cousin": {"other_city", "province"},
    "city": {"province"},
    "other_city": {"province"},
    "province": set(),
    "unrelated": set(),
}


@pytest.fixture
def world(client, factory, criteria):  # noqa: F811 - the fixture
    factory.tenant("province", kind="province_org_dept", plugins=PLUGINS)
    factory.tenant("city", parent="province", kind="city_org_dept", plugins=PLUGINS)
    factory.tenant("county", parent="city", plugins=PLUGINS)
    factory.tenant("sibling", parent="city", plugins=PLUGINS)
    factory.tenant("other_city", parent="province", kind="city_org_dept", plugins=PLUGINS)
    factory.tenant("cousin", parent="other_city", plugins=PLUGINS)
    factory.tenant("unrelated", kind="province_org_dept", plugins=PLUGINS)
    tokens = {
        slug: bearer(factory.token(factory.user(slug, f"u_{slug}", roles=["info_leader"])))
        for slug in EVERYONE
    }
    priorities = {}
    for slug in EVERYONE:
        body = {"title": f"{slug}的要点", "year": 2026}
        made = client.post(_url(slug, "/priorities"), json=body, headers=tokens[slug])
        priorities[slug] = _ok(made, 201)["id"]
    return tokens, priorities


def test_each_tenant_is_offered_its_ancestors_priorities_only(client, world):
    tokens, priorities = world
    owner_of = {pid: slug for slug, pid in priorities.items()}
    for slug in EVERYONE:
        offered = _ok(client.get(_url(slug, "/priorities/offered"), headers=tokens[slug]))
        assert {owner_of[p["id"]] for p in offered} == OFFERED[slug], slug


@pytest.mark.parametrize("tagger", ["county", "sibling", "cousin", "city"])
def test_a_tenant_tags_with_its_ancestors_priorities_only(client, world, tagger):
    tokens, priorities = world
    for owner, priority_id in priorities.items():
        body = {**BODY, "priority_ids": [priority_id]}
        response = client.post(_url(tagger, "/items"), json=body, headers=tokens[tagger])
        if owner in OFFERED[tagger]:
            assert response.status_code == 201, (tagger, owner, response.get_json())
            assert [t["priority_id"] for t in response.get_json()["tags"]] == [priority_id]
        else:
            assert response.status_code == 422, (tagger, owner)
    mine = _ok(client.get(_url(tagger, "/items"), headers=tokens[tagger]))["items"]
    assert len(mine) == len(OFFERED[tagger])  # the refused ones left nothing behind


def test_only_the_owner_reads_or_changes_a_priority(client, world):
    tokens, priorities = world
    city = priorities["city"]
    for slug in EVERYONE:
        url = _url(slug, f"/priorities/{city}")
        history = client.get(f"{url}/history", headers=tokens[slug])
        edit = client.patch(url, json={"title": f"{slug}改的"}, headers=tokens[slug])
        retire = client.post(f"{url}/transitions/retire", json={}, headers=tokens[slug])
        expected = (200, 200, 200) if slug == "city" else (404, 404, 404)
        assert (history.status_code, edit.status_code, retire.status_code) == expected, slug
