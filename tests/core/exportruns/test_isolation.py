"""Another tenant's export run is not found: its page, status, file and API answer 404,
with the ORM criteria on and with them off (PostgreSQL row-level security alone)."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from core.tenancy import session as scoped_session
from tests.core.exportruns.helpers import county, run_api
from tests.factories import Factory, login

PAGES = ("", "/status", "/file")


@pytest.fixture(params=["orm-and-rls", "rls-only"])
def criteria(request):
    if request.param == "rls-only":
        event.remove(
            scoped_session.TenantSession, "do_orm_execute", scoped_session._scope_statement
        )
        request.addfinalizer(
            lambda: event.listen(
                scoped_session.TenantSession, "do_orm_execute", scoped_session._scope_statement
            )
        )
    return request.param


def test_another_tenants_run_is_not_found(pg_app, criteria, monkeypatch):
    world = county(pg_app, rows=2)
    # A manager of its own tenant (who may open other users' runs there): only the
    # tenant scope stands between them and the county's run.
    mallory = Factory(pg_app).user("other", "mallory", roles=["admin", "petition_leader"])
    world.tokens["mallory"] = Factory(pg_app).token(mallory)
    monkeypatch.setitem(pg_app.config, "EXPORT_DIRECT_ROWS", 0)
    victim_run = world.call("clerk", "GET", "/export").get_json()["id"]
    assert run_api(world, "clerk", victim_run, "/file").status_code == 200

    for suffix in ("", "/file"):
        assert run_api(world, "mallory", victim_run, suffix, tenant="other").status_code == 404
        # and the county's URLs with its token: the county does not know that token.
        assert run_api(world, "mallory", victim_run, suffix).status_code == 401
    client = world.client
    assert login(client, "mallory").status_code == 302
    for suffix in PAGES:
        assert client.get(f"/t/other/exports/{victim_run}{suffix}").status_code == 404
        assert client.get(f"/t/county/exports/{victim_run}{suffix}").status_code == 404
    assert world.audit("export.downloaded", slug="other") == []
    assert len(world.audit("export.downloaded")) == 1  # the clerk's own, above
