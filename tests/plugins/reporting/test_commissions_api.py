"""约稿 through the API: the city sends a request to the county and the sibling; each
sees it (the cousin does not), the county answers with an item naming it, and the city
sees the county on time and — after the deadline — the sibling missing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core import clock
from core.auth.models import User
from core.auth.users import Actor
from core.db import db
from core.tenancy.models import Tenant
from core.tenancy.scope import tenant_scope
from plugins.reporting.commissions import todo
from plugins.reporting.permissions import WRITE
from tests.factories import bearer
from tests.plugins.reporting.test_api import BODY, _ok, _url

PLUGINS = ["reporting"]


@pytest.fixture
def tokens(factory):
    factory.tenant("province", kind="province_org_dept", plugins=PLUGINS)
    factory.tenant("city", parent="province", kind="city_org_dept", plugins=PLUGINS)
    factory.tenant("county", parent="city", plugins=PLUGINS)
    factory.tenant("sibling", parent="city", plugins=PLUGINS)
    factory.tenant("other_city", parent="province", kind="city_org_dept", plugins=PLUGINS)
    factory.tenant("cousin", parent="other_city", plugins=PLUGINS)
    people = {
        "writer": ("county", ["info_officer"]),
        "leader": ("county", ["info_leader"]),
        "city": ("city", ["info_leader"]),
        "sibling": ("sibling", ["info_leader"]),
        "cousin": ("cousin", ["info_leader"]),
    }
    out = {}
    for name, (slug, roles) in people.items():
        person = factory.user(slug, f"u_{name}", roles=roles)
        out[name] = bearer(factory.token(person))
        out[f"{name}_id"] = person.user_id
    return out


def _send(client, tokens, factory, **overrides):
    body = {
        "topic": "基层党建典型经验",
        "requirements": "1500字以内",
        "deadline": (clock.now() + timedelta(days=3)).isoformat(),
        "child_tenant_ids": [factory.tenant_id("county"), factory.tenant_id("sibling")],
        **overrides,
    }
    return client.post(_url("city", "/requests"), json=body, headers=tokens["city"])


def test_a_request_goes_to_the_chosen_children_and_shows_their_answers(client, tokens, factory):
    request = _ok(_send(client, tokens, factory), 201)
    assert {a["name"]: a["standing"] for a in request["answers"]} == {
        "county单位": "pending",
        "sibling单位": "pending",
    }
    path = f"/requests/{request['id']}"
    for tenant in ("county", "sibling"):
        who = "writer" if tenant == "county" else "sibling"
        (row,) = _ok(client.get(_url(tenant, "/requests/received"), headers=tokens[who]))["items"]
        assert row["topic"] == "基层党建典型经验"
    assert (
        _ok(client.get(_url("cousin", "/requests/received"), headers=tokens["cousin"]))["items"]
        == []
    )
    assert client.get(_url("cousin", path), headers=tokens["cousin"]).status_code == 404

    item = _ok(
        client.post(
            _url("county", "/items"),
            json={**BODY, "category": "commissioned", "request_id": request["id"]},
            headers=tokens["writer"],
        ),
        201,
    )
    assert item["request_id"] == request["id"]
    for move, who in (("send_for_approval", "writer"), ("approve", "leader")):
        _ok(
            client.post(
                _url("county", f"/items/{item['id']}/transitions/{move}"),
                json={},
                headers=tokens[who],
            )
        )

    mine = _ok(client.get(_url("county", path), headers=tokens["writer"]))
    assert [a["standing"] for a in mine["answers"]] == ["on_time"]
    assert [i["id"] for i in mine["own_items"]] == [item["id"]]
    clock.freeze(clock.now() + timedelta(days=4))
    seen = _ok(client.get(_url("city", path), headers=tokens["city"]))
    assert {a["name"]: (a["standing"], a["answers"]) for a in seen["answers"]} == {
        "county单位": ("on_time", 1),
        "sibling单位": ("missing", 0),
    }
    assert (
        _ok(client.get(_url("city", "/requests/sent"), headers=tokens["city"]))["items"][0]["id"]
        == request["id"]
    )


def test_a_request_to_all_children_and_bad_requests(client, tokens, factory):
    everyone = _ok(_send(client, tokens, factory, all_children=True, child_tenant_ids=[]), 201)
    assert len(everyone["answers"]) == 2
    cousin = factory.tenant_id("cousin")
    for overrides in (
        {"child_tenant_ids": [cousin]},
        {"child_tenant_ids": []},
        {"deadline": "2020-01-01T00:00:00+08:00"},
        {"topic": ""},
    ):
        response = _send(client, tokens, factory, **overrides)
        assert response.status_code == 422, overrides
        assert response.mimetype == "application/problem+json"
    # A county cannot answer a request that was never sent to it.
    response = client.post(
        _url("cousin", "/items"),
        json={**BODY, "request_id": everyone["id"]},
        headers=tokens["cousin"],
    )
    assert response.status_code == 422
    assert "request_id" in response.get_json()["errors"]


def test_an_unanswered_request_is_on_the_writers_to_do_list(client, tokens, factory, app_context):
    request = _ok(_send(client, tokens, factory), 201)
    writer = Actor(user=db.session.get(User, tokens["writer_id"]), permissions=frozenset({WRITE}))
    county = db.session.get(Tenant, factory.tenant_id("county"))
    with tenant_scope(county.id):
        (entry,) = todo.todo_items(county, writer)
    assert (entry.kind, entry.light) == ("answer_request", "yellow")
    assert entry.url.endswith(f"/reporting/requests/{request['id']}")
    with tenant_scope(factory.tenant_id("cousin")):
        cousin = db.session.get(Tenant, factory.tenant_id("cousin"))
        assert todo.todo_items(cousin, writer) == []
