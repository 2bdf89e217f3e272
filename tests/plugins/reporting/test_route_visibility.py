"""Every reporting route with an id, tried by the submitting county, each ancestor it
was or was not sent to, a sibling, a cousin and an unrelated tenant — with the ORM
criteria on, and off (PostgreSQL row-level security alone). Exactly the permitted
tenants read; the rest get what a missing id gets (404); nobody else writes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core import clock
from tests.factories import bearer
from tests.plugins.reporting.test_api import BODY, _ok, _url
from tests.plugins.reporting.test_visibility import criteria  # noqa: F401 - fixture

PLUGINS = ["reporting"]
EVERYONE = ("county", "city", "province", "sibling", "other_city", "cousin", "unrelated")


@pytest.fixture
def world(client, factory):
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

    def post(tenant, path, body=None, status=200):
        return _ok(client.post(_url(tenant, path), json=body or {}, headers=tokens[tenant]), status)

    def submit(**overrides):
        item = post("county", "/items", {**BODY, **overrides}, 201)
        post("county", f"/items/{item['id']}/transitions/send_for_approval")
        post("county", f"/items/{item['id']}/transitions/approve")
        (row,) = [
            r
            for r in _ok(client.get(_url("city", "/inbox"), headers=tokens["city"]))["items"]
            if r["item_id"] == item["id"]
        ]
        return item["id"], row["id"]

    forwarded, forwarded_submission = submit()
    post("city", f"/submissions/{forwarded_submission}/transitions/adopt")
    post("city", f"/submissions/{forwarded_submission}/transitions/forward")
    waiting, waiting_submission = submit()
    bulletin = post("city", "/bulletins", {"title": "示范组工信息"}, 201)
    issue = post("city", f"/bulletins/{bulletin['id']}/issues", {}, 201)
    entry = post(
        "city", f"/issues/{issue['id']}/entries", {"submission_id": forwarded_submission}, 201
    )
    draft_issue = post("city", f"/bulletins/{bulletin['id']}/issues", {}, 201)
    post("city", f"/issues/{issue['id']}/transitions/publish")
    request = post(
        "city",
        "/requests",
        {
            "topic": "约稿",
            "deadline": (clock.now() + timedelta(days=2)).isoformat(),
            "child_tenant_ids": [factory.tenant_id("county")],
        },
        201,
    )
    quota = {"child_tenant_id": factory.tenant_id("county"), "year": clock.today().year}
    _ok(
        client.put(
            _url("city", "/quotas"),
            json={**quota, "period": "year", "total": 5},
            headers=tokens["city"],
        )
    )
    ranking = post("city", "/rankings", {"period": "year", "year": clock.today().year}, 201)
    return {
        "tokens": tokens,
        "forwarded": forwarded,
        "waiting": waiting,
        "waiting_submission": waiting_submission,
        "issue": issue["id"],
        "draft_issue": draft_issue["id"],
        "entry": entry["id"],
        "request": request["id"],
        "ranking": ranking["id"],
    }


READS = {
    "/items/{forwarded}": {"county", "city", "province"},
    "/items/{waiting}": {"county", "city"},
    "/issues/{issue}": {"city", "county", "sibling"},
    "/issues/{issue}/docx": {"city", "county", "sibling"},
    "/issues/{draft_issue}": {"city"},
    "/rankings/{ranking}": {"city", "county", "sibling"},
    "/rankings/{ranking}/docx": {"city", "county", "sibling"},
    "/rankings/{ranking}/xlsx": {"city", "county", "sibling"},
    "/requests/{request}": {"city", "county"},
}


@pytest.mark.parametrize("path", list(READS))
def test_exactly_the_permitted_tenants_read(path, criteria, client, world):  # noqa: F811
    url = path.format(**world)
    readers = {
        slug
        for slug in EVERYONE
        if client.get(_url(slug, url), headers=world["tokens"][slug]).status_code == 200
    }
    statuses = {
        client.get(_url(slug, url), headers=world["tokens"][slug]).status_code
        for slug in set(EVERYONE) - readers
    }
    assert readers == READS[path]
    assert statuses <= {404}


WRITES = [
    ("POST", "/submissions/{waiting_submission}/transitions/adopt", {}, {"city"}),
    ("POST", "/items/{waiting}/transitions/withdraw", {}, {"county"}),
    ("PATCH", "/items/{waiting}", {"title": "改"}, set()),  # submitted: nobody edits it
    ("POST", "/issues/{draft_issue}/entries", {"submission_id": 1}, set()),
    ("PATCH", "/issues/{draft_issue}/entries/{entry}", {"editor_note": "改"}, set()),
    ("DELETE", "/issues/{issue}/entries/{entry}", None, set()),
    ("POST", "/issues/{draft_issue}/transitions/publish", {}, set()),
]


@pytest.mark.parametrize("method, path, body, writers", WRITES)
def test_nobody_else_writes(method, path, body, writers, criteria, client, world):  # noqa: F811
    url = path.format(**world)
    for slug in sorted(set(EVERYONE) - {"city", "county"}):
        response = client.open(
            _url(slug, url), method=method, json=body, headers=world["tokens"][slug]
        )
        assert response.status_code == 404, (slug, response.get_json())
    for slug in sorted(writers):
        response = client.open(
            _url(slug, url), method=method, json=body, headers=world["tokens"][slug]
        )
        assert response.status_code == 200, (slug, response.get_json())


def test_lists_show_each_tenant_only_its_own_or_what_it_was_sent(criteria, client, world):  # noqa: F811
    year = clock.today().year
    seen = {}

    def get(slug, path, **query):
        return _ok(client.get(_url(slug, path), query_string=query, headers=world["tokens"][slug]))

    for slug in EVERYONE:
        seen[slug] = (
            len(get(slug, "/issues")["items"]),
            len(get(slug, "/rankings")["items"]),
            len(get(slug, "/requests/received")["items"]),
            len(get(slug, "/inbox")["items"]),
            len(get(slug, "/quotas", year=year, period="year")),
        )
    assert seen["county"] == (1, 1, 1, 0, 1)
    assert seen["sibling"] == (1, 1, 0, 0, 0)
    assert seen["city"] == (2, 1, 0, 2, 1)
    assert seen["province"] == (0, 0, 0, 1, 0)
    for slug in ("other_city", "cousin", "unrelated"):
        assert seen[slug] == (0, 0, 0, 0, 0), slug
