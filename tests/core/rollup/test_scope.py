"""The scope a roll-up opens is what stops a hook, not the hook's own filter: asked about
tenants outside the subtree, every plugin's figures still hold the subtree alone — with
the ORM criteria on, and with them off (PostgreSQL row-level security alone)."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from core.db import db
from core.plugins.manager import host
from core.rollup.period import resolve
from core.rollup.service import HOOK
from core.rollup.tree import subtree
from core.tenancy import session as scoped_session
from core.tenancy.scope import cross_tenant_scope, tenant_scope
from tests.core.rollup.world import NOV, TODAY, build


@pytest.fixture(params=["orm-and-rls", "rls-only"])
def criteria(request, app):
    if request.param == "rls-only":
        if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
            pytest.skip("row-level security is PostgreSQL's")
        listener = scoped_session._scope_statement
        event.remove(scoped_session.TenantSession, "do_orm_execute", listener)
        request.addfinalizer(
            lambda: event.listen(scoped_session.TenantSession, "do_orm_execute", listener)
        )
    return request.param


@pytest.mark.parametrize("plugin", ["core", "petitions", "supervision", "assistance", "reporting"])
def test_a_hook_asking_too_much_gets_the_subtree_only(app, factory, set_today, criteria, plugin):
    set_today(TODAY)
    ids = build(app, factory)
    with app.app_context(), tenant_scope(ids["city"]):
        opened = subtree(ids["city"]).below(ids["city"])
        everyone = tuple(sorted(ids.values()))
        with cross_tenant_scope("test: rollup scope", opened):
            sets = host().call_one(plugin, HOOK, tenant_ids=everyone, period=resolve(NOV))
        db.session.rollback()
    assert sets, "every plugin contributes at least one set"
    seen = {tenant_id for s in sets for tenant_id in s.values}
    assert seen <= set(opened)
    assert not seen & {ids["county-c"], ids["city2"], ids["province"]}
    if plugin in ("core", "petitions"):
        assert seen  # the subtree's own figures did come back
