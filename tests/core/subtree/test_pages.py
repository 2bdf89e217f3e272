"""下级单位管理: the city's admin sees its descendants as a tree, enables a plugin for a
county and grants its roles to a user there, sets a county's own settings; each change
is in the changed tenant's audit chain; outside the subtree (or itself) is a 404."""

from __future__ import annotations

from sqlalchemy import select

from core.audit.models import AuditEntry
from core.audit.service import verify_chain
from core.auth.models import Membership
from core.db import db
from core.plugins.manager import enabled_plugins
from core.plugins.settings import own_settings
from core.tenancy.models import Tenant
from core.tenancy.scope import tenant_scope
from tests.core.rollup.world import TODAY, build
from tests.factories import csrf_token, login


def _world(app, factory, set_today):
    set_today(TODAY)
    ids = build(app, factory)
    factory.user("city", "city_admin")
    factory.user("city", "city_staff", roles=["staff"])
    factory.user("county-a", "county_admin")
    clerk = factory.user("county-b", "county_b_clerk", roles=["staff"])
    client = app.test_client()
    login(client, "city_admin")
    return ids, clerk, client


def _actions(app, tenant_id):
    with app.app_context(), tenant_scope(tenant_id):
        assert list(verify_chain(tenant_id)) == []
        return [e.action for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def test_the_tree_shows_descendants_only(app, factory, set_today):
    ids, _clerk, client = _world(app, factory, set_today)
    html = client.get("/t/city/subtree/").get_data(as_text=True)
    for slug in ("county-a", "county-b", "town-a1"):
        assert f'data-tenant="{slug}"' in html
    for slug in ("county-c", "city2", "province"):
        assert f'data-tenant="{slug}"' not in html


def test_enable_a_plugin_and_grant_its_roles_audited_in_the_county(app, factory, set_today):
    ids, clerk, client = _world(app, factory, set_today)
    page = f"/t/city/subtree/{ids['county-b']}"
    city_before = _actions(app, ids["city"])
    token = csrf_token(client, page)
    done = client.post(f"{page}/plugins/petitions/enable", data={"csrf_token": token})
    assert done.status_code == 302 and "grant=petitions" in done.headers["Location"]
    form = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "county_b_clerk" in form and "信访专干" in form
    with app.app_context(), tenant_scope(ids["county-b"]):
        membership = db.session.scalar(
            select(Membership).where(Membership.user_id == clerk.user_id)
        )
        membership_id = membership.id
        assert "petitions" in enabled_plugins(db.session.get(Tenant, ids["county-b"]))
    granted = client.post(
        f"{page}/plugins/petitions/roles",
        data={"csrf_token": token, "grant": [f"{membership_id}:petition_clerk"]},
    )
    assert granted.status_code == 302
    with app.app_context(), tenant_scope(ids["county-b"]):
        membership = db.session.get(Membership, membership_id)
        assert sorted(r.key for r in membership.roles) == ["petition_clerk", "staff"]
    actions = _actions(app, ids["county-b"])
    assert "plugin.enabled" in actions and "membership.updated" in actions
    added_in_city = _actions(app, ids["city"])[len(city_before) :]
    assert "plugin.enabled" not in added_in_city and "membership.updated" not in added_in_city


def test_granting_another_plugins_role_is_refused_and_changes_nothing(app, factory, set_today):
    ids, clerk, client = _world(app, factory, set_today)
    page = f"/t/city/subtree/{ids['county-b']}"
    token = csrf_token(client, page)
    with app.app_context(), tenant_scope(ids["county-b"]):
        membership_id = db.session.scalar(
            select(Membership.id).where(Membership.user_id == clerk.user_id)
        )
    refused = client.post(
        f"{page}/plugins/supervision/roles",
        data={"csrf_token": token, "grant": [f"{membership_id}:admin"]},
    )
    assert refused.status_code == 422
    assert "只能授予该功能模块的角色" in refused.get_data(as_text=True)
    with app.app_context(), tenant_scope(ids["county-b"]):
        assert [r.key for r in db.session.get(Membership, membership_id).roles] == ["staff"]


def test_set_a_descendants_settings(app, factory, set_today):
    ids, _clerk, client = _world(app, factory, set_today)
    page = f"/t/city/subtree/{ids['town-a1']}"
    token = csrf_token(client, page)
    saved = client.post(f"{page}/settings/core", data={"csrf_token": token, "warning_days": "5"})
    assert saved.status_code == 302
    bad = client.post(f"{page}/settings/core", data={"csrf_token": token, "warning_days": "99"})
    assert bad.status_code == 422
    with app.app_context():
        town = db.session.get(Tenant, ids["town-a1"])
        assert own_settings(town, "core")["warning_days"] == 5
    assert "settings.changed" in _actions(app, ids["town-a1"])


def test_outside_the_subtree_itself_and_without_the_permission(app, factory, set_today):
    ids, _clerk, client = _world(app, factory, set_today)
    for slug in ("county-c", "city2", "province", "city"):
        assert client.get(f"/t/city/subtree/{ids[slug]}").status_code == 404
    county = app.test_client()
    login(county, "county_admin")
    assert county.get(f"/t/county-a/subtree/{ids['city']}").status_code == 404
    assert county.get(f"/t/county-a/subtree/{ids['town-a1']}").status_code == 200
    staff = app.test_client()
    login(staff, "city_staff")
    assert staff.get("/t/city/subtree/").status_code == 403
