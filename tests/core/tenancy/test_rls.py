"""PostgreSQL row-level security backs the ORM scope up: with the ORM criteria switched
off, the app's role still sees and changes nothing of another tenant."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, pool, text

from core.db import db, tenant_owned_tables
from core.orgs.models import OrgUnit
from core.tenancy.scope import tenant_scope
from core.tenancy.session import TENANT_CHECKED

RAW = {TENANT_CHECKED: True}  # the ORM criteria are bypassed for these statements


@pytest.fixture
def seeded(pg_app, pg_factory):
    factory = pg_factory
    alpha = factory.tenant("alpha")
    beta = factory.tenant("beta")
    with pg_app.app_context():
        for tenant, name in ((alpha, "甲支部"), (beta, "乙支部")):
            with tenant_scope(tenant):
                db.session.add(OrgUnit(name=name, kind="branch"))
        db.session.commit()
    return alpha, beta


def test_every_tenant_table_forces_row_level_security(pg_app):
    owner = create_engine(pg_app.config["OWNER_DATABASE_URL"], poolclass=pool.NullPool)
    with owner.connect() as conn:
        rows = dict(
            conn.execute(
                text(
                    "select relname, relrowsecurity and relforcerowsecurity from pg_class "
                    "where relname = any(:names)"
                ),
                {"names": tenant_owned_tables()},
            ).all()
        )
    owner.dispose()
    assert rows == {name: True for name in tenant_owned_tables()}


def test_the_app_role_is_neither_superuser_nor_owner(pg_app):
    with pg_app.app_context():
        role = db.session.execute(
            text("select rolsuper, rolbypassrls from pg_roles where rolname = current_user"),
            execution_options=RAW,
        ).one()
        owner = db.session.execute(
            text("select tableowner from pg_tables where tablename = 'org_units'"),
            execution_options=RAW,
        ).scalar()
        me = db.session.execute(text("select current_user"), execution_options=RAW).scalar()
    assert tuple(role) == (False, False)
    assert owner != me


def test_raw_sql_sees_only_the_tenant_in_scope(pg_app, seeded):
    alpha, _beta = seeded
    with pg_app.app_context(), tenant_scope(alpha):
        names = (
            db.session.execute(text("select name from org_units"), execution_options=RAW)
            .scalars()
            .all()
        )
    assert names == ["甲支部"]


def test_raw_sql_with_no_tenant_sees_nothing(pg_app, seeded):
    with pg_app.app_context():
        count = db.session.execute(
            text("select count(*) from org_units"), execution_options=RAW
        ).scalar()
    assert count == 0


def test_raw_sql_cannot_change_or_create_rows_of_another_tenant(pg_app, seeded):
    alpha, beta = seeded
    with pg_app.app_context(), tenant_scope(alpha):
        changed = db.session.execute(
            text("update org_units set name = 'x' where tenant_id = :b"),
            {"b": beta},
            execution_options=RAW,
        ).rowcount
        assert changed == 0
        with pytest.raises(Exception, match="row-level security"):
            db.session.execute(
                text(
                    "insert into org_units (tenant_id, name, kind, sort_order, is_active, created_at) "
                    "values (:b, 'x', 'branch', 0, true, now())"
                ),
                {"b": beta},
                execution_options=RAW,
            )
        db.session.rollback()


def test_scope_settings_do_not_outlive_the_transaction(pg_app, seeded):
    alpha, _beta = seeded
    with pg_app.app_context():
        with tenant_scope(alpha):
            db.session.execute(text("select 1"), execution_options=RAW)
        db.session.commit()
        # Same pooled connection, new transaction, no scope: nothing is visible.
        count = db.session.execute(
            text("select count(*) from org_units"), execution_options=RAW
        ).scalar()
    assert count == 0


def test_audit_entries_cannot_be_rewritten_by_the_app(pg_app, seeded):
    alpha, _beta = seeded
    from core.audit.service import record

    with pg_app.app_context(), tenant_scope(alpha):
        record("test.event")
        db.session.commit()
        with pytest.raises(Exception, match="permission denied|append-only"):
            db.session.execute(text("update audit_entries set action = 'x'"), execution_options=RAW)
        db.session.rollback()
        with pytest.raises(Exception, match="permission denied|append-only"):
            db.session.execute(text("delete from audit_entries"), execution_options=RAW)
        db.session.rollback()
