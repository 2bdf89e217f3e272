"""The reporting API end to end: a county writes and submits, the city finds it in its
inbox, returns it, the county revises, the city adopts and forwards it, the province adds
a leader's instruction, and the county reads the whole chain; nobody else reads a thing."""

from __future__ import annotations

from functools import partial

import pytest

from tests.factories import bearer
from tests.statements import assert_page_cost_is_constant

PLUGINS = ["reporting"]
BODY = {
    "title": "我县推行党员积分制管理",
    "body": "今年以来，我县推行党员积分制管理。",
    "category": "practice",
    "doc_type": "brief",
    "pen_name": "张三",
    "pen_phone": "0571-88888888",
}


@pytest.fixture
def tokens(factory):
    factory.tenant("province", kind="province_org_dept", plugins=PLUGINS)
    factory.tenant("city", parent="province", kind="city_org_dept", plugins=PLUGINS)
    factory.tenant("county", parent="city", plugins=PLUGINS)
    factory.tenant("sibling", parent="city", plugins=PLUGINS)
    people = {
        "writer": ("county", ["info_officer"]),
        "leader": ("county", ["info_leader"]),
        "city": ("city", ["info_leader"]),
        "province": ("province", ["info_leader"]),
        "sibling": ("sibling", ["info_leader"]),
    }
    return {
        name: bearer(factory.token(factory.user(slug, f"u_{name}", roles=roles)))
        for name, (slug, roles) in people.items()
    }


def _url(tenant: str, path: str) -> str:
    return f"/api/v1/t/{tenant}/reporting{path}"


def _ok(response, status: int = 200):
    assert response.status_code == status, response.get_json()
    return response.get_json()


def _inbox(client, tenant, headers, **params):
    return _ok(client.get(_url(tenant, "/inbox"), query_string=params, headers=headers))["items"]


def test_the_round_trip_up_and_the_chain_back_down(client, tokens):
    item = _ok(client.post(_url("county", "/items"), json=BODY, headers=tokens["writer"]), 201)
    item_id = item["id"]
    assert (item["state"], item["word_count"]) == ("draft", 17)

    def move(tenant, path, who, **body):
        return _ok(client.post(_url(tenant, path), json=body, headers=tokens[who]))

    move("county", f"/items/{item_id}/transitions/send_for_approval", "writer")
    assert (
        client.post(
            _url("county", f"/items/{item_id}/transitions/approve"),
            json={},
            headers=tokens["writer"],
        ).status_code
        == 403
    )
    move("county", f"/items/{item_id}/transitions/approve", "leader")

    (row,) = _inbox(client, "city", tokens["city"])
    assert (row["item_id"], row["state"], row["sender"]) == (item_id, "submitted", "county单位")
    assert _inbox(client, "sibling", tokens["sibling"]) == []
    assert _inbox(client, "city", tokens["city"], category="news") == []

    submission = f"/submissions/{row['id']}/transitions"
    move("city", f"{submission}/return", "city", comment="请补充数据")
    revised = {"body": BODY["body"] + "全县已有1.2万名党员参与。"}
    _ok(client.patch(_url("county", f"/items/{item_id}"), json=revised, headers=tokens["writer"]))
    move("county", f"/items/{item_id}/transitions/send_for_approval", "writer")
    move("county", f"/items/{item_id}/transitions/approve", "leader")

    move("city", f"{submission}/adopt", "city")
    move("city", f"{submission}/forward", "city")
    (upper,) = _inbox(client, "province", tokens["province"])
    assert (upper["level"], upper["sender"]) == (2, "city单位")
    move("province", f"/submissions/{upper['id']}/transitions/adopt", "province")
    _ok(
        client.post(
            _url("province", f"/items/{item_id}/instructions"),
            json={"leader_name": "李四", "leader_level": "province", "text": "经验可推广"},
            headers=tokens["province"],
        ),
        201,
    )

    detail = _ok(client.get(_url("county", f"/items/{item_id}"), headers=tokens["writer"]))
    assert detail["state"] == "adopted"
    assert [(s["level"], s["state"], s["adopted_level"]) for s in detail["submissions"]] == [
        (1, "forwarded", "city"),
        (2, "adopted", "province"),
    ]
    assert [v["number"] for v in detail["versions"]] == [1, 2]
    (difference,) = detail["differences"]
    assert (difference["from_version"], difference["to_version"]) == (1, 2)
    assert difference["body"] == [
        {"op": "equal", "text": BODY["body"]},
        {"op": "insert", "text": "全县已有1.2万名党员参与。"},
    ]
    assert difference["title"] == [{"op": "equal", "text": BODY["title"]}]
    # The city, which returned it, sees the same differences.
    upper_view = _ok(client.get(_url("city", f"/items/{item_id}"), headers=tokens["city"]))
    assert upper_view["differences"] == detail["differences"]
    assert [i["text"] for i in detail["instructions"]] == ["经验可推广"]
    # The city and the province read it; the sibling gets what a missing id gets.
    for tenant, who in (("city", "city"), ("province", "province")):
        _ok(client.get(_url(tenant, f"/items/{item_id}"), headers=tokens[who]))
    assert (
        client.get(_url("sibling", f"/items/{item_id}"), headers=tokens["sibling"]).status_code
        == 404
    )


def test_upper_levels_cannot_move_or_edit_a_childs_item(client, tokens):
    item = _ok(client.post(_url("county", "/items"), json=BODY, headers=tokens["writer"]), 201)
    path = f"/items/{item['id']}"
    client.post(
        _url("county", f"{path}/transitions/send_for_approval"), json={}, headers=tokens["writer"]
    )
    client.post(_url("county", f"{path}/transitions/approve"), json={}, headers=tokens["leader"])
    assert (
        client.patch(_url("city", path), json={"title": "改"}, headers=tokens["city"]).status_code
        == 404
    )
    response = client.post(
        _url("city", f"{path}/transitions/withdraw"), json={}, headers=tokens["city"]
    )
    assert response.status_code == 404


def test_bad_input_is_a_problem_naming_each_field(client, tokens):
    response = client.post(
        _url("county", "/items"),
        json={**BODY, "category": "gossip", "title": ""},
        headers=tokens["writer"],
    )
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert {"category", "title"} <= set(response.get_json()["errors"])
    assert _ok(client.get(_url("county", "/items"), headers=tokens["writer"]))["items"] == []


def _submit(client, tokens, tenant, writer, leader, **overrides):
    item = _ok(
        client.post(_url(tenant, "/items"), json={**BODY, **overrides}, headers=tokens[writer]),
        201,
    )
    for move, who in (("send_for_approval", writer), ("approve", leader)):
        path = f"/items/{item['id']}/transitions/{move}"
        _ok(client.post(_url(tenant, path), json={}, headers=tokens[who]))
    return item["id"]


def test_the_inbox_filters_by_child_category_state_and_date_and_pages_by_cursor(
    client, tokens, factory
):
    tokens["sibling_writer"] = bearer(
        factory.token(factory.user("sibling", "u_sibling_writer", roles=["info_officer"]))
    )
    county = [_submit(client, tokens, "county", "writer", "leader") for _ in range(3)]
    news = _submit(client, tokens, "county", "writer", "leader", category="news")
    sibling = _submit(client, tokens, "sibling", "sibling_writer", "sibling")
    city = tokens["city"]
    ids = {r["item_id"] for r in _inbox(client, "city", city)}
    assert ids == {*county, news, sibling}
    county_id = factory.tenant_id("county")
    by_child = {r["item_id"] for r in _inbox(client, "city", city, child_tenant_id=county_id)}
    assert by_child == {*county, news}
    assert [r["item_id"] for r in _inbox(client, "city", city, category="news")] == [news]
    assert _inbox(client, "city", city, state="adopted") == []
    assert _inbox(client, "city", city, since="2099-01-01T00:00:00+08:00") == []
    first = _ok(client.get(_url("city", "/inbox"), query_string={"limit": 2}, headers=city))
    second = _ok(
        client.get(
            _url("city", "/inbox"),
            query_string={"limit": 2, "cursor": first["next_cursor"]},
            headers=city,
        )
    )
    paged = [r["item_id"] for r in first["items"] + second["items"]]
    assert len(paged) == len(set(paged)) == 4
    assert (
        client.get(_url("city", "/inbox"), query_string={"cursor": "x"}, headers=city).status_code
        == 422
    )


def test_a_page_of_items_or_of_the_inbox_costs_the_same_statements_however_long(
    app, client, tokens
):
    for _ in range(5):
        _submit(client, tokens, "county", "writer", "leader")

    for tenant, path, who in [("county", "/items", "writer"), ("city", "/inbox", "city")]:
        get = partial(client.get, headers=tokens[who])
        assert_page_cost_is_constant(app, get, _url(tenant, path), 1, 5)
