"""Plugin enablement and resolved settings are cached per process (core.plugins.cache),
and never stale: two app instances on one database stand for two processes, and what
one changes the other sees at its next request."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.db import db
from core.plugins import enablement
from core.plugins.manager import enabled_plugins
from core.plugins.settings import resolved_settings
from core.tenancy.models import Tenant
from tests.perf.statements import counting

LIST = "/api/v1/t/county/petitions"


@pytest.fixture
def world(app, factory, sibling_app):
    factory.tenant("county", plugins=["petitions"])
    person = factory.user("county", "boss", roles=["admin", "petition_leader"])
    headers = {"Authorization": f"Bearer {factory.token(person)}"}
    return app.test_client(), headers, sibling_app("other process")


def _change(other, action: str) -> None:
    with other.app_context():
        tenant = db.session.scalar(select(Tenant).where(Tenant.slug == "county"))
        getattr(enablement, action)(tenant, "petitions")
        db.session.commit()


def test_disabling_in_another_process_is_seen_at_the_next_request(world):
    client, headers, other = world
    assert client.get(LIST, headers=headers).status_code == 200  # cached: enabled
    _change(other, "disable")
    assert client.get(LIST, headers=headers).status_code == 404
    _change(other, "enable")
    assert client.get(LIST, headers=headers).status_code == 200


def test_settings_changed_in_another_process_are_seen(app, world):
    _client, _headers, other = world
    with app.app_context():
        tenant = db.session.scalar(select(Tenant).where(Tenant.slug == "county"))
        before = resolved_settings(tenant, "core")["warning_days"]
    with other.app_context():
        tenant = db.session.scalar(select(Tenant).where(Tenant.slug == "county"))
        enablement.update_settings(tenant, "core", {"warning_days": before + 2})
        db.session.commit()
    with app.app_context():
        tenant = db.session.scalar(select(Tenant).where(Tenant.slug == "county"))
        assert resolved_settings(tenant, "core")["warning_days"] == before + 2


def test_a_cached_request_reads_no_enablement_or_settings(app, world):
    client, headers, _other = world
    client.get(LIST, headers=headers)
    with app.app_context():
        engine = db.engine
    with counting(engine) as seen:
        assert client.get(LIST, headers=headers).status_code == 200
    assert not [s for s in seen if "tenant_plugins" in s], seen


def test_a_change_rolled_back_is_not_cached(app, world):
    client, headers, _other = world
    with app.test_request_context():
        tenant = db.session.scalar(select(Tenant).where(Tenant.slug == "county"))
        enablement.disable(tenant, "petitions")
        assert enabled_plugins(tenant) == []  # its own transaction sees its change
        db.session.rollback()
    assert client.get(LIST, headers=headers).status_code == 200
