"""Per-tenant enablement: a disabled plugin's routes are 404, its permissions grant
nothing, its hooks are silent, and its data and settings stay."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.db import db
from core.plugins import enablement
from core.plugins.manager import PluginError, hook_for
from core.tenancy.models import Tenant, TenantPlugin
from tests.factories import Factory, bearer, login


@pytest.fixture
def tenants(plugin_app):
    factory = Factory(plugin_app)
    factory.tenant("alpha", plugins=["assistance", "sample"])
    factory.tenant("beta", plugins=["assistance"])
    alice = factory.user("alpha", "alice", roles=["admin", "sample_user"])
    bob = factory.user("beta", "bob", roles=["admin"])
    return factory, alice, bob


def _tenant(slug):
    return db.session.scalar(select(Tenant).where(Tenant.slug == slug))


def test_routes_answer_only_where_the_plugin_is_enabled(plugin_app, tenants):
    factory, alice, bob = tenants
    client = plugin_app.test_client()
    login(client, "alice")
    assert client.get("/t/alpha/sample/").status_code == 200
    assert client.get(
        "/api/v1/t/alpha/sample/ping", headers=bearer(factory.token(alice))
    ).get_json() == {
        "tenant": "alpha",
        "can_use": True,
    }
    other = plugin_app.test_client()
    login(other, "bob")
    assert other.get("/t/beta/sample/").status_code == 404
    assert (
        other.get("/api/v1/t/beta/sample/ping", headers=bearer(factory.token(bob))).status_code
        == 404
    )


def test_disabling_closes_routes_and_permissions_but_keeps_settings(plugin_app, tenants):
    factory, alice, _bob = tenants
    with plugin_app.app_context():
        alpha = _tenant("alpha")
        enablement.update_settings(alpha, "sample", {"threshold": 42})
        enablement.disable(alpha, "sample")
        db.session.commit()
    client = plugin_app.test_client()
    login(client, "alice")
    assert client.get("/t/alpha/sample/").status_code == 404
    me = client.get("/t/alpha/").get_data(as_text=True)
    assert "示例" not in me  # neither navigation nor to-do of the disabled plugin
    with plugin_app.app_context():
        row = db.session.get(TenantPlugin, (factory.tenant_id("alpha"), "sample"))
        assert (row.enabled, row.settings) == (False, {"threshold": 42})
        enablement.enable(_tenant("alpha"), "sample")
        db.session.commit()
    assert client.get("/t/alpha/sample/").status_code == 200


def test_tenant_hooks_reach_only_enabled_plugins(plugin_app, tenants):
    with plugin_app.test_request_context():
        from core.auth.users import Actor

        actor = Actor(user=None)
        alpha_items = hook_for(_tenant("alpha")).zugong_todo_items(
            tenant=_tenant("alpha"), actor=actor
        )
        beta_items = hook_for(_tenant("beta")).zugong_todo_items(
            tenant=_tenant("beta"), actor=actor
        )
    assert [i.title for group in alpha_items for i in group] == ["示例待办"]
    assert [i.title for group in beta_items for i in group] == []


def test_a_plugin_needs_its_dependencies_enabled_first(plugin_app, tenants):
    factory, _alice, _bob = tenants
    factory.tenant("gamma")
    with plugin_app.app_context():
        with pytest.raises(PluginError, match="assistance"):
            enablement.enable(_tenant("gamma"), "sample")
        with pytest.raises(PluginError, match="sample"):
            enablement.disable(_tenant("alpha"), "assistance")
        db.session.rollback()


def test_settings_resolve_from_default_platform_ancestors_and_tenant(plugin_app):
    factory = Factory(plugin_app)
    factory.tenant("city", plugins=["assistance", "sample"], kind="city_org_dept")
    factory.tenant("county", parent="city", plugins=["assistance", "sample"])
    factory.tenant(
        "town", parent="county", plugins=["assistance", "sample"], kind="township_committee"
    )
    from core.plugins.settings import resolved_settings
    from core.tenancy.models import platform_tenant

    with plugin_app.app_context():
        town = _tenant("town")
        assert resolved_settings(town, "sample") == {"threshold": 10, "label": "默认"}
        enablement.update_settings(platform_tenant(), "sample", {"label": "平台"})
        enablement.update_settings(_tenant("city"), "sample", {"threshold": 30})
        assert resolved_settings(town, "sample") == {"threshold": 30, "label": "平台"}
        enablement.update_settings(town, "sample", {"threshold": 5})
        assert resolved_settings(town, "sample") == {"threshold": 5, "label": "平台"}
        assert resolved_settings(_tenant("county"), "sample") == {"threshold": 30, "label": "平台"}
        db.session.rollback()


def test_bad_settings_are_refused_naming_the_field(plugin_app, tenants):
    from marshmallow import ValidationError

    with plugin_app.app_context():
        with pytest.raises(ValidationError) as caught:
            enablement.update_settings(
                _tenant("alpha"), "sample", {"threshold": 1000, "nonsense": 1}
            )
        assert set(caught.value.messages) == {"threshold", "nonsense"}
        db.session.rollback()
