"""信息要点 through the API: the city keeps its priorities (add, edit, retire, restore, each
on the history and in the audit log); the county reads those its ancestors offer and tags
its items; the city sees the tags in its inbox and filters by one. A priority of a
sibling or a cousin is neither offered nor accepted (422, nothing changed), and nobody
but the owner reads or changes a priority."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.audit.models import AuditEntry
from core.db import db
from core.tenancy.scope import cross_tenant_scope
from plugins.reporting.models import ItemTag, ReportItem
from tests.factories import bearer

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
    factory.tenant("other_city", parent="province", kind="city_org_dept", plugins=PLUGINS)
    factory.tenant("cousin", parent="other_city", plugins=PLUGINS)
    people = {
        "county": ("county", ["info_leader"]),
        "city": ("city", ["info_leader"]),
        "province": ("province", ["info_leader"]),
        "sibling": ("sibling", ["info_leader"]),
        "other_city": ("other_city", ["info_leader"]),
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


def _priority(client, tokens, who: str, title: str, year: int = 2026) -> dict:
    body = {"title": title, "year": year}
    return _ok(client.post(_url(who, "/priorities"), json=body, headers=tokens[who]), 201)


def _items_and_tags(app) -> tuple[int, int]:
    with app.app_context(), cross_tenant_scope("test: count every tenant's rows"):
        items = db.session.scalar(select(func.count()).select_from(ReportItem))
        tags = db.session.scalar(select(func.count()).select_from(ItemTag))
        return items, tags


def test_the_city_keeps_its_priorities_with_history_and_audit(app, client, tokens):
    made = _priority(client, tokens, "city", "基层党建“三年行动”")
    url = _url("city", f"/priorities/{made['id']}")
    body = {"title": "基层党建三年行动计划"}
    edited = _ok(client.patch(url, json=body, headers=tokens["city"]))
    assert edited["title"] == "基层党建三年行动计划"
    assert _ok(client.post(f"{url}/transitions/retire", json={}, headers=tokens["city"]))[
        "state"
    ] == ("retired")
    assert _ok(client.post(f"{url}/transitions/restore", json={}, headers=tokens["city"]))[
        "is_active"
    ]
    history = _ok(client.get(f"{url}/history", headers=tokens["city"]))
    assert [row["transition"] for row in history] == ["create", "edited", "retire", "restore"]
    assert [row["title"] for row in history] == ["新增信息要点", "修改信息要点", "停用", "重新启用"]
    assert history[1]["data"]["title_before"] == "基层党建“三年行动”"
    assert history[1]["data"]["title"] == "基层党建三年行动计划"
    listed = _ok(client.get(_url("city", "/priorities?year=2026"), headers=tokens["city"]))
    assert [p["title"] for p in listed] == ["基层党建三年行动计划"]
    with app.app_context(), cross_tenant_scope("test: the audit log"):
        actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"reporting_priority.edited", "reporting_priority.retire"} <= actions


def test_a_duplicate_title_in_a_year_is_refused(client, tokens):
    _priority(client, tokens, "city", "乡村振兴")
    response = client.post(
        _url("city", "/priorities"),
        json={"title": "乡村振兴", "year": 2026},
        headers=tokens["city"],
    )
    assert response.status_code == 422
    assert "本年度已有同名的信息要点" in str(response.get_json())


def test_the_county_is_offered_its_ancestors_priorities_only(client, tokens):
    city = _priority(client, tokens, "city", "城市要点")
    province = _priority(client, tokens, "province", "省级要点")
    _priority(client, tokens, "sibling", "兄弟县要点")
    _priority(client, tokens, "other_city", "另一市要点")
    _priority(client, tokens, "county", "本县自己的要点")
    retired = _priority(client, tokens, "city", "已停用的要点")
    client.post(
        _url("city", f"/priorities/{retired['id']}/transitions/retire"),
        json={},
        headers=tokens["city"],
    )
    offered = _ok(client.get(_url("county", "/priorities/offered"), headers=tokens["county"]))
    assert {p["id"] for p in offered} == {city["id"], province["id"]}
    assert {p["tenant_name"] for p in offered} == {"city单位", "province单位"}


def test_others_neither_read_nor_change_a_priority(client, tokens):
    made = _priority(client, tokens, "city", "城市要点")
    for who in ("county", "sibling", "province"):
        url = _url(who, f"/priorities/{made['id']}")
        assert client.patch(url, json={"title": "x"}, headers=tokens[who]).status_code == 404
        assert client.get(f"{url}/history", headers=tokens[who]).status_code == 404
        moved = client.post(f"{url}/transitions/retire", json={}, headers=tokens[who])
        assert moved.status_code == 404


def test_an_item_tagged_with_the_parents_priority_shows_in_the_inbox(client, tokens):
    mine = _priority(client, tokens, "city", "基层治理")
    other = _priority(client, tokens, "city", "人才工作")
    body = {**BODY, "priority_ids": [mine["id"]]}
    item = _ok(client.post(_url("county", "/items"), json=body, headers=tokens["county"]), 201)
    assert [t["title"] for t in item["tags"]] == ["基层治理"]
    untagged = _ok(client.post(_url("county", "/items"), json=BODY, headers=tokens["county"]), 201)
    for made in (item, untagged):
        for move in ("send_for_approval", "approve"):
            path = _url("county", f"/items/{made['id']}/transitions/{move}")
            _ok(client.post(path, json={}, headers=tokens["county"]))
    inbox = _ok(client.get(_url("city", "/inbox"), headers=tokens["city"]))["items"]
    by_item = {row["item_id"]: row["tags"] for row in inbox}
    assert by_item == {item["id"]: item["tags"], untagged["id"]: []}
    filtered = client.get(_url("city", f"/inbox?priority_id={mine['id']}"), headers=tokens["city"])
    assert [row["item_id"] for row in _ok(filtered)["items"]] == [item["id"]]
    none = client.get(_url("city", f"/inbox?priority_id={other['id']}"), headers=tokens["city"])
    assert _ok(none)["items"] == []
    detail = _ok(client.get(_url("city", f"/items/{item['id']}"), headers=tokens["city"]))
    assert detail["tags"] == item["tags"]


def test_retagging_a_draft_replaces_its_tags(client, tokens):
    first = _priority(client, tokens, "city", "基层治理")
    second = _priority(client, tokens, "province", "全省重点")
    body = {**BODY, "priority_ids": [first["id"]]}
    item = _ok(client.post(_url("county", "/items"), json=body, headers=tokens["county"]), 201)
    url = _url("county", f"/items/{item['id']}")
    patched = client.patch(url, json={"priority_ids": [second["id"]]}, headers=tokens["county"])
    assert [t["priority_id"] for t in _ok(patched)["tags"]] == [second["id"]]
    cleared = client.patch(url, json={"priority_ids": []}, headers=tokens["county"])
    assert _ok(cleared)["tags"] == []


@pytest.mark.parametrize("whose", ["sibling", "other_city", "county", "retired"])
def test_a_tag_not_offered_by_an_ancestor_is_refused(app, client, tokens, whose):
    owner = "city" if whose == "retired" else whose
    foreign = _priority(client, tokens, owner, f"{whose}的要点")
    if whose == "retired":
        client.post(
            _url("city", f"/priorities/{foreign['id']}/transitions/retire"),
            json={},
            headers=tokens["city"],
        )
    before = _items_and_tags(app)
    body = {**BODY, "priority_ids": [foreign["id"]]}
    response = client.post(_url("county", "/items"), json=body, headers=tokens["county"])
    assert response.status_code == 422
    assert "所选信息要点不是上级单位本年度在用的信息要点" in str(response.get_json())
    assert _items_and_tags(app) == before


def test_a_tag_of_another_year_is_refused_on_edit(app, client, tokens):
    old = _priority(client, tokens, "city", "去年的要点", year=2025)
    item = _ok(client.post(_url("county", "/items"), json=BODY, headers=tokens["county"]), 201)
    before = _items_and_tags(app)
    url = _url("county", f"/items/{item['id']}")
    response = client.patch(url, json={"priority_ids": [old["id"]]}, headers=tokens["county"])
    assert response.status_code == 422
    assert _items_and_tags(app) == before
