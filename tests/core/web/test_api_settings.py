"""Settings through the API: layers, this tenant's own values, validation, 404s."""

from __future__ import annotations

from sqlalchemy import select

from core.audit.models import AuditEntry
from core.db import db
from core.plugins.enablement import update_settings
from core.tenancy.models import Tenant, TenantPlugin, platform_tenant
from tests.core.web.conftest import in_tenant
from tests.factories import bearer


def _fields(body) -> dict[str, dict]:
    return {f["name"]: f for f in body["fields"]}


def _own(app, slug: str, plugin: str) -> dict:
    with in_tenant(app, slug) as tenant:
        row = db.session.get(TenantPlugin, (tenant.id, plugin))
        return dict(row.settings or {}) if row else {}


def test_core_settings_default_values(client, world):
    response = client.get("/api/v1/t/a/settings/core", headers=world.h("sam"))
    assert response.status_code == 200
    body = response.get_json()
    assert body["plugin"] == "core"
    assert body["settings"] == {"warning_days": 3, "unit_full_name": ""}
    assert body["own"] == {}
    warning = _fields(body)["warning_days"]
    assert warning["source"] == "default" and warning["inherited"] is True
    assert warning["title"] == "临期预警天数（黄灯）"


def test_settings_show_where_each_value_comes_from(app, client, factory):
    factory.tenant("city", kind="city_org_dept")
    factory.tenant("a", parent="city")
    alice = factory.user("a", "alice")
    headers = bearer(factory.token(alice))
    with app.app_context():
        city = db.session.scalar(select(Tenant).where(Tenant.slug == "city"))
        update_settings(city, "core", {"warning_days": 7})
        update_settings(platform_tenant(), "core", {"unit_full_name": "平台默认"})
        db.session.commit()

    fields = _fields(client.get("/api/v1/t/a/settings/core", headers=headers).get_json())
    assert fields["warning_days"]["value"] == 7
    assert fields["warning_days"]["source"] == "ancestor"
    assert fields["warning_days"]["source_name"] == "city单位"
    assert fields["unit_full_name"]["source"] == "platform"
    assert fields["unit_full_name"]["value"] == "平台默认"

    client.patch("/api/v1/t/a/settings/core", json={"warning_days": 2}, headers=headers)
    fields = _fields(client.get("/api/v1/t/a/settings/core", headers=headers).get_json())
    assert (
        fields["warning_days"] | {"value": 2, "own": 2, "source": "tenant", "inherited": False}
        == fields["warning_days"]
    )


def test_patch_sets_own_layer_and_null_returns_to_inherited(app, client, world):
    response = client.patch(
        "/api/v1/t/a/settings/core",
        json={"warning_days": 5, "unit_full_name": "中共某县委组织部"},
        headers=world.h("alice"),
    )
    assert response.status_code == 200
    assert response.get_json()["settings"] == {
        "warning_days": 5,
        "unit_full_name": "中共某县委组织部",
    }
    assert _own(app, "a", "core") == {"warning_days": 5, "unit_full_name": "中共某县委组织部"}
    assert _own(app, "b", "core") == {}
    b = client.get("/api/v1/t/b/settings/core", headers=world.h("bob")).get_json()
    assert b["settings"]["warning_days"] == 3

    cleared = client.patch(
        "/api/v1/t/a/settings/core", json={"warning_days": None}, headers=world.h("alice")
    )
    assert cleared.status_code == 200
    assert cleared.get_json()["settings"]["warning_days"] == 3
    assert _own(app, "a", "core") == {"unit_full_name": "中共某县委组织部"}
    with in_tenant(app, "a"):
        actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)).all()
    assert actions[-2:] == ["settings.changed", "settings.cleared"]


def test_plugin_settings_are_validated_by_its_schema(app, client, world):
    ok = client.patch(
        "/api/v1/t/a/settings/petitions",
        json={"accept_days": 10, "portal_enabled": True},
        headers=world.h("alice"),
    )
    assert ok.status_code == 200
    assert ok.get_json()["settings"]["accept_days"] == 10
    bad = client.patch(
        "/api/v1/t/a/settings/petitions",
        json={"accept_days": 16, "portal_enabled": "maybe", "bogus": 1},
        headers=world.h("alice"),
    )
    assert bad.status_code == 422
    assert set(bad.get_json()["errors"]) == {"accept_days", "portal_enabled", "bogus"}
    assert _own(app, "a", "petitions") == {"accept_days": 10, "portal_enabled": True}


def test_staff_may_read_but_not_change_settings(app, client, world):
    assert client.get("/api/v1/t/a/settings/core", headers=world.h("sam")).status_code == 200
    response = client.patch(
        "/api/v1/t/a/settings/core", json={"warning_days": 5}, headers=world.h("sam")
    )
    assert response.status_code == 403
    assert _own(app, "a", "core") == {}


def test_settings_of_disabled_or_unknown_plugins_are_404(client, world):
    for plugin in ("assistance", "nope"):
        assert (
            client.get(f"/api/v1/t/a/settings/{plugin}", headers=world.h("alice")).status_code
            == 404
        )
        response = client.patch(
            f"/api/v1/t/a/settings/{plugin}", json={"x": 1}, headers=world.h("alice")
        )
        assert response.status_code == 404
