"""The dashboard summarises the member registry for people who may see it."""

from __future__ import annotations

from core.db import db
from core.orgs.demo import create_demo_data
from core.tenancy.models import Tenant
from core.tenancy.scope import tenant_scope
from tests.factories import login


def test_dashboard_counts_the_registry(app, factory, client):
    tenant_id = factory.tenant("alpha")
    factory.user("alpha", "alice", roles=["staff"])
    factory.user("alpha", "nobody", roles=[])
    with app.app_context(), tenant_scope(tenant_id):
        create_demo_data(db.session.get(Tenant, tenant_id))
        db.session.commit()
    login(client, "alice")
    html = client.get("/t/alpha/").get_data(as_text=True)
    assert 'id="registry-summary"' in html
    assert (
        '<div class="fs-4 fw-semibold">12</div><div class="small text-muted">在册党员</div>' in html
    )
    assert 'data-chart-values="10,2"' in html

    other = app.test_client()
    login(other, "nobody")
    assert 'id="registry-summary"' not in other.get("/t/alpha/").get_data(as_text=True)
