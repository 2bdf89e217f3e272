"""The tenant scope: every ORM statement is confined to the tenant in scope, new rows are
stamped with it, writes into another tenant are refused, and no scope means no access."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text, update

from core.audit.models import AuditEntry
from core.auth.models import Role
from core.db import db
from core.orgs.models import Member, OrgUnit
from core.tenancy.scope import (
    CrossTenantWrite,
    NoTenantScope,
    cross_tenant_scope,
    tenant_scope,
)
from core.tenancy.session import TENANT_CHECKED


@pytest.fixture
def two_tenants(factory):
    return factory.tenant("alpha"), factory.tenant("beta")


def _add_unit(tenant_id: int, name: str) -> int:
    with tenant_scope(tenant_id):
        unit = OrgUnit(name=name, kind="branch")
        db.session.add(unit)
        db.session.flush()
        return unit.id


def test_new_rows_are_stamped_with_the_tenant_in_scope(app_context, two_tenants):
    alpha, _beta = two_tenants
    unit_id = _add_unit(alpha, "第一党支部")
    db.session.commit()
    with tenant_scope(alpha):
        assert db.session.get(OrgUnit, unit_id).tenant_id == alpha


def test_queries_see_only_the_tenant_in_scope(app_context, two_tenants):
    alpha, beta = two_tenants
    _add_unit(alpha, "甲支部")
    beta_unit = _add_unit(beta, "乙支部")
    db.session.commit()
    with tenant_scope(alpha):
        names = db.session.scalars(select(OrgUnit.name)).all()
        assert names == ["甲支部"]
        # Also through joins, aggregates and explicit filters for the other tenant.
        assert db.session.scalar(select(func.count()).select_from(OrgUnit)) == 1
        assert db.session.scalars(select(OrgUnit).where(OrgUnit.id == beta_unit)).all() == []
        assert db.session.scalars(select(OrgUnit).where(OrgUnit.tenant_id == beta)).all() == []


def test_joined_tenant_tables_are_confined_too(app_context, two_tenants):
    alpha, beta = two_tenants
    alpha_unit = _add_unit(alpha, "甲支部")
    beta_unit = _add_unit(beta, "乙支部")
    with tenant_scope(beta):
        db.session.add(Member(name="乙党员", gender="male", branch_id=beta_unit))
    with tenant_scope(alpha):
        db.session.add(Member(name="甲党员", gender="female", branch_id=alpha_unit))
    db.session.commit()
    with tenant_scope(alpha):
        rows = db.session.execute(
            select(OrgUnit.name, Member.name).join(Member, Member.branch_id == OrgUnit.id)
        ).all()
        assert rows == [("甲支部", "甲党员")]


def test_get_never_returns_another_tenants_row_even_from_the_identity_map(app_context, two_tenants):
    alpha, beta = two_tenants
    beta_unit = _add_unit(beta, "乙支部")
    with tenant_scope(beta):
        assert db.session.get(OrgUnit, beta_unit) is not None  # now in the identity map
    with tenant_scope(alpha):
        assert db.session.get(OrgUnit, beta_unit) is None


def test_bulk_update_touches_only_the_tenant_in_scope(app_context, two_tenants):
    alpha, beta = two_tenants
    _add_unit(alpha, "甲支部")
    beta_unit = _add_unit(beta, "乙支部")
    db.session.commit()
    with tenant_scope(alpha):
        db.session.execute(update(OrgUnit).values(name="改名"))
    db.session.commit()
    with tenant_scope(beta):
        assert db.session.get(OrgUnit, beta_unit).name == "乙支部"


def test_writing_another_tenants_row_is_refused(app_context, two_tenants):
    alpha, beta = two_tenants
    beta_unit = _add_unit(beta, "乙支部")
    with tenant_scope(beta):
        unit = db.session.get(OrgUnit, beta_unit)
    with tenant_scope(alpha):
        unit.name = "越权修改"
        with pytest.raises(CrossTenantWrite):
            db.session.flush()
        db.session.rollback()


def test_inserting_a_row_labelled_with_another_tenant_is_refused(app_context, two_tenants):
    alpha, beta = two_tenants
    with tenant_scope(alpha):
        db.session.add(OrgUnit(name="伪造", kind="branch", tenant_id=beta))
        with pytest.raises(CrossTenantWrite):
            db.session.flush()
        db.session.rollback()


def test_without_a_tenant_in_scope_tenant_tables_are_out_of_reach(app_context, two_tenants):
    with pytest.raises(NoTenantScope):
        db.session.scalars(select(OrgUnit)).all()
    with pytest.raises(NoTenantScope):
        db.session.add(OrgUnit(name="无主", kind="branch"))
        db.session.flush()
    db.session.rollback()


def test_raw_sql_on_the_session_must_say_it_handled_the_tenant(app_context, two_tenants):
    alpha, _beta = two_tenants
    with tenant_scope(alpha):
        with pytest.raises(NoTenantScope):
            db.session.execute(text("select count(*) from org_units"))
        with pytest.raises(NoTenantScope):
            db.session.execute(select(OrgUnit.__table__.c.name))
        count = db.session.execute(
            text("select count(*) from org_units where tenant_id = :t"),
            {"t": alpha},
            execution_options={TENANT_CHECKED: True},
        ).scalar()
        assert count == 0


def test_cross_tenant_scope_reads_only_the_named_tenants_and_is_audited(app_context, factory):
    alpha = factory.tenant("alpha")
    beta = factory.tenant("beta")
    gamma = factory.tenant("gamma")
    for tenant, name in ((alpha, "甲"), (beta, "乙"), (gamma, "丙")):
        _add_unit(tenant, name)
    db.session.commit()
    with tenant_scope(alpha), cross_tenant_scope("上级查阅报送材料", tenant_ids=[beta]):
        names = sorted(db.session.scalars(select(OrgUnit.name)))
        assert names == ["乙", "甲"]
        # Writes still land only in the tenant in scope.
        db.session.add(OrgUnit(name="新", kind="branch"))
        db.session.flush()
    db.session.commit()
    with tenant_scope(alpha):
        entry = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "cross_tenant.read")
        ).one()
        assert entry.detail == {"reason": "上级查阅报送材料", "tenants": [beta]}


def test_cross_tenant_scope_needs_a_reason(app_context):
    with pytest.raises(ValueError), cross_tenant_scope(""):
        pass


def test_roles_are_provisioned_per_tenant(app_context, two_tenants):
    alpha, beta = two_tenants
    with tenant_scope(alpha):
        alpha_roles = db.session.scalars(select(Role.id)).all()
    with tenant_scope(beta):
        beta_roles = db.session.scalars(select(Role.id)).all()
    assert alpha_roles and beta_roles and not set(alpha_roles) & set(beta_roles)


def test_cross_tenant_scope_names_at_least_one_tenant(app_context):
    with pytest.raises(ValueError), cross_tenant_scope("reason", tenant_ids=[]):
        pass


def test_a_wrong_method_under_a_tenant_answers_404_not_405(app, factory, client):
    factory.tenant("alpha")
    assert client.delete("/t/alpha/").status_code == 404
    assert client.put("/api/v1/t/alpha/me").status_code == 404
