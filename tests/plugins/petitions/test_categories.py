"""问题类别: seeded once when a tenant enables the plugin, then the tenant's own — add,
rename, nest, reorder, deactivate; a category a petition used is never deleted."""

from __future__ import annotations

from sqlalchemy import select

from core.db import db
from core.plugins import enablement
from core.tenancy.models import Tenant
from plugins.petitions.models import PetitionCategory
from plugins.petitions.services.categories import DEFAULT_TAXONOMY
from tests.plugins.petitions.web import World
from tests.plugins.petitions.web import world as world  # noqa: F401 - the fixture

DEFAULT_COUNT = sum(1 + len(children) for _, children in DEFAULT_TAXONOMY)


def test_enabling_seeds_the_default_taxonomy_once(world: World):
    tree = world.call("clerk", "GET", "/categories").get_json()
    assert len(tree) == DEFAULT_COUNT
    roots = [c["name"] for c in tree if c["depth"] == 0]
    assert roots[:5] == ["选人用人", "干部作风", "干部监督管理", "党员教育管理", "基层组织建设"]
    assert "人才工作" in roots
    vote = next(c for c in tree if c["name"] == "拉票贿选")
    assert vote["depth"] == 1 and vote["parent_id"] == world.category("选人用人")

    def toggle():
        tenant = db.session.scalar(select(Tenant).where(Tenant.slug == "county"))
        enablement.disable(tenant, "petitions")
        enablement.enable(tenant, "petitions")
        db.session.commit()

    world.in_tenant("county", toggle)
    assert world.count(PetitionCategory) == DEFAULT_COUNT  # re-enabling adds nothing
    assert world.count(PetitionCategory, "other") == DEFAULT_COUNT  # each tenant its own


def test_add_nest_rename_reorder_and_deactivate(world: World):
    parent = world.category("人才工作")
    created = world.call(
        "leader", "POST", "/categories", json={"name": "人才公寓", "parent_id": parent}
    )
    assert created.status_code == 201, created.get_json()
    cid = created.get_json()["id"]
    renamed = world.call("leader", "PATCH", f"/categories/{cid}", json={"name": "人才住房"})
    assert renamed.get_json()["name"] == "人才住房"
    moved = world.call("leader", "PATCH", f"/categories/{cid}", json={"parent_id": None})
    assert moved.get_json()["parent_id"] is None
    first = world.call("leader", "PATCH", f"/categories/{cid}", json={"sort_order": 0})
    assert first.status_code == 200
    tree = world.call("clerk", "GET", "/categories").get_json()
    assert tree[0]["name"] in ("人才住房", "选人用人")  # sort order 0 ties break by name
    off = world.call("leader", "PATCH", f"/categories/{cid}", json={"is_active": False})
    assert off.get_json()["is_active"] is False
    active = world.call("clerk", "GET", "/categories", query_string={"include_inactive": "false"})
    assert cid not in [c["id"] for c in active.get_json()]
    assert len(world.audit("petition_category.updated")) == 4


def test_bad_category_changes_are_refused(world: World):
    top, child = world.category("选人用人"), world.category("拉票贿选")
    cases = [
        ("POST", "/categories", {"name": ""}),
        ("POST", "/categories", {"name": "x" * 51}),
        ("POST", "/categories", {"name": "拉票贿选", "parent_id": top}),  # same name, same parent
        ("POST", "/categories", {"name": "新", "parent_id": 987654321}),
        ("POST", "/categories", {"name": "新", "parent_id": world.category("选人用人", "other")}),
        ("PATCH", f"/categories/{top}", {"parent_id": child}),  # a cycle
        ("PATCH", f"/categories/{top}", {"parent_id": top}),
        ("PATCH", f"/categories/{top}", {"sort_order": -1}),
        ("PATCH", f"/categories/{top}", {"name": "<b>" * 20}),
    ]
    for method, path, body in cases:
        response = world.call("leader", method, path, json=body)
        assert response.status_code == 422, (body, response.get_json())
    assert world.count(PetitionCategory) == DEFAULT_COUNT
    assert world.call("clerk", "POST", "/categories", json={"name": "新"}).status_code == 403
    theirs = world.category("选人用人", "other")
    assert (
        world.call("leader", "PATCH", f"/categories/{theirs}", json={"name": "改"}).status_code
        == 404
    )
    assert world.call("leader", "DELETE", f"/categories/{theirs}").status_code == 404


def test_a_used_category_is_never_deleted(world: World):
    used = world.category("拉票贿选")
    world.register(category_id=used)
    refused = world.call("leader", "DELETE", f"/categories/{used}")
    assert refused.status_code == 409 and "只能停用" in refused.get_json()["detail"]
    with_children = world.call("leader", "DELETE", f"/categories/{world.category('人才工作')}")
    assert with_children.status_code == 409
    unused = world.category("其他")
    assert world.call("leader", "DELETE", f"/categories/{unused}").status_code == 204
    assert world.count(PetitionCategory) == DEFAULT_COUNT - 1
    tree = world.call("clerk", "GET", "/categories").get_json()
    assert next(c for c in tree if c["id"] == used)["used"] == 1


def test_the_categories_page(world: World):
    csrf = world.login("leader")
    html = world.page("/categories").get_data(as_text=True)
    assert "问题类别" in html and "拉票贿选" in html and 'id="new-category"' in html
    added = world.post_page(
        "/categories", csrf, {"name": "人才住房", "parent_id": str(world.category("人才工作"))}
    )
    assert added.status_code == 302
    cid = world.category("人才住房")
    bad = world.post_page("/categories", csrf, {"name": ""})
    assert bad.status_code == 422 and 'data-error-for="name"' in bad.get_data(as_text=True)
    talent = str(world.category("人才工作"))
    renamed = world.post_page(f"/categories/{cid}", csrf, {"name": "人才安居", "parent_id": talent})
    assert renamed.status_code == 302
    assert world.category("人才安居") == cid
    cycle = world.post_page(
        f"/categories/{world.category('人才工作')}",
        csrf,
        {"name": "人才工作", "parent_id": str(cid)},
    )
    assert cycle.status_code == 422
    # Move the new child above its sibling, then deactivate and delete it.
    siblings = lambda: [  # noqa: E731
        c["name"]
        for c in world.call("clerk", "GET", "/categories").get_json()
        if c["parent_id"] == world.category("人才工作")
    ]
    assert siblings()[-1] == "人才安居"
    world.post_page(f"/categories/{cid}/move", csrf, {"direction": "up"})
    assert siblings()[-2] == "人才安居"
    assert (
        world.post_page(f"/categories/{cid}/move", csrf, {"direction": "sideways"}).status_code
        == 422
    )
    world.post_page(f"/categories/{cid}/active", csrf, {"is_active": "0"})
    assert (
        world.in_tenant("county", lambda: db.session.get(PetitionCategory, cid).is_active) is False
    )
    register = world.page("/new").get_data(as_text=True)
    assert "人才安居</option>" not in register  # a deactivated category is not offered
    assert world.post_page(f"/categories/{cid}/delete", csrf, {}).status_code == 302
    assert world.category("人才安居") is None
    csrf = world.login("clerk")
    assert world.post_page("/categories", csrf, {"name": "新"}).status_code == 403
    assert 'id="new-category"' not in world.page("/categories").get_data(as_text=True)
