"""A member's org unit (所在组织机构, issue 12): set and cleared on the admin's people
page and through ``PATCH /users/<id>``, audited; only an active unit of the tenant in
scope is accepted, anything else is a field error with nothing changed."""

from __future__ import annotations

from sqlalchemy import select

from core.audit.models import AuditEntry
from core.auth.models import Membership
from core.db import db
from core.orgs.models import OrgUnit
from tests.core.web.conftest import in_tenant
from tests.factories import csrf_token, login


def _unit(app, slug: str, name: str, active: bool = True) -> int:
    with in_tenant(app, slug):
        unit = OrgUnit(name=name, kind="section", is_active=active)
        db.session.add(unit)
        db.session.commit()
        return unit.id


def _membership(app, slug: str, user_id: int) -> tuple[int, int | None]:
    with in_tenant(app, slug):
        m = db.session.scalar(select(Membership).where(Membership.user_id == user_id))
        return m.id, m.org_unit_id


def _changes(app) -> list[dict]:
    with in_tenant(app, "a"):
        rows = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "membership.updated")
        )
        return [r.detail["changes"] for r in rows]


def test_the_api_places_a_member_in_a_unit_and_takes_him_out(client, world, app):
    unit = _unit(app, "a", "组织科")
    sam, _none = _membership(app, "a", world.sam.user_id)
    path = f"/api/v1/t/a/users/{sam}"
    response = client.patch(path, json={"org_unit_id": unit}, headers=world.h("alice"))
    assert response.status_code == 200 and response.get_json()["org_unit_id"] == unit
    assert _membership(app, "a", world.sam.user_id)[1] == unit
    assert _changes(app)[-1] == {"org_unit_id": {"before": None, "after": unit}}
    response = client.patch(path, json={"org_unit_id": None}, headers=world.h("alice"))
    assert response.status_code == 200 and response.get_json()["org_unit_id"] is None


def test_only_an_active_unit_of_this_tenant(client, world, app):
    foreign = _unit(app, "b", "外单位科室")
    closed = _unit(app, "a", "已撤销科室", active=False)
    sam, _none = _membership(app, "a", world.sam.user_id)
    for bad in (foreign, closed, 2**63):
        response = client.patch(
            f"/api/v1/t/a/users/{sam}", json={"org_unit_id": bad}, headers=world.h("alice")
        )
        assert response.status_code == 422, bad
        assert response.get_json()["errors"]["org_unit_id"] == [
            "本单位没有该组织机构（或已撤销）。"
        ]
    assert _membership(app, "a", world.sam.user_id)[1] is None


def test_the_people_page_sets_the_unit(client, world, app):
    unit = _unit(app, "a", "组织科")
    foreign = _unit(app, "b", "外单位科室")
    sam, _none = _membership(app, "a", world.sam.user_id)
    login(client, "alice")
    page = client.get(f"/t/a/admin/users/{sam}").get_data(as_text=True)
    assert "组织科" in page and "外单位科室" not in page
    csrf = csrf_token(client, "/t/a/admin/tokens")
    form = {"csrf_token": csrf, "roles": ["staff"], "active": "y"}
    refused = client.post(f"/t/a/admin/users/{sam}", data={**form, "org_unit_id": foreign})
    assert refused.status_code == 422
    assert "本单位没有该组织机构" in refused.get_data(as_text=True)
    saved = client.post(f"/t/a/admin/users/{sam}", data={**form, "org_unit_id": str(unit)})
    assert saved.status_code == 302 and _membership(app, "a", world.sam.user_id)[1] == unit
    shown = client.get(f"/t/a/admin/users/{sam}").get_data(as_text=True)
    assert f'<option value="{unit}" selected>组织科</option>' in shown
    cleared = client.post(f"/t/a/admin/users/{sam}", data={**form, "org_unit_id": ""})
    assert cleared.status_code == 302 and _membership(app, "a", world.sam.user_id)[1] is None
