"""Through PgBouncer in transaction pooling mode, one server connection serves many
clients' transactions in turn: the tenant scope one transaction set must be gone in the
next, whoever runs it (``set_config(..., true)`` is transaction-local)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, pool, text

from core.auth.models import Role
from core.db import db
from core.tenancy.scope import tenant_scope
from tests import pgbouncer
from tests.conftest import SHARED_CONFIG

RAW_SETTINGS = (
    "select pg_backend_pid(), coalesce(current_setting('app.tenant_id', true), ''),"
    " coalesce(current_setting('app.read_tenants', true), ''), (select count(*) from roles)"
)


@pytest.fixture
def bouncer() -> Iterator[pgbouncer.Bouncer]:
    one = pgbouncer.start(pool_size=1)  # one server connection: every client shares it
    yield one
    one.stop()


@pytest.fixture
def pooled_app(pg_app, bouncer):
    from core.app import create_app

    config = {key: pg_app.config[key] for key in SHARED_CONFIG}
    config["SQLALCHEMY_DATABASE_URI"] = bouncer.url(pg_app.config["SQLALCHEMY_DATABASE_URI"])
    config["SQLALCHEMY_ENGINE_OPTIONS"] = {
        "poolclass": pool.NullPool,
        "connect_args": pgbouncer.CONNECT_ARGS,
    }
    app = create_app(config)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_the_scope_does_not_outlive_its_pooled_transaction(pooled_app, pg_factory, bouncer):
    alpha = pg_factory.tenant("alpha")
    with pooled_app.app_context():
        with tenant_scope(alpha):
            assert db.session.query(Role).count() > 0  # the scope went through the pool
            pid = db.session.execute(
                text("select pg_backend_pid()"), execution_options={"tenant_checked": True}
            ).scalar()
        db.session.commit()
        db.session.remove()
    # Another client, the same server connection (the pool has one), a new transaction.
    other = create_engine(
        bouncer.url(pooled_app.config["SQLALCHEMY_DATABASE_URI"]),
        poolclass=pool.NullPool,
        connect_args=pgbouncer.CONNECT_ARGS,
    )
    with other.connect() as conn:
        backend, tenant, readable, roles = conn.execute(text(RAW_SETTINGS)).one()
    other.dispose()
    assert backend == pid  # really the pooled connection the scoped transaction used
    assert (tenant, readable, roles) == ("", "", 0)


def test_a_failed_transaction_leaves_no_scope_either(pooled_app, pg_factory, bouncer):
    alpha = pg_factory.tenant("alpha")
    with pooled_app.app_context():
        with tenant_scope(alpha):
            db.session.query(Role).count()
        db.session.rollback()
        db.session.remove()
    other = create_engine(
        bouncer.url(pooled_app.config["SQLALCHEMY_DATABASE_URI"]),
        poolclass=pool.NullPool,
        connect_args=pgbouncer.CONNECT_ARGS,
    )
    with other.connect() as conn:
        _backend, tenant, _readable, roles = conn.execute(text(RAW_SETTINGS)).one()
    other.dispose()
    assert (tenant, roles) == ("", 0)


def test_the_platform_writer_role_does_not_outlive_its_pooled_transaction(
    pooled_app, pg_factory, bouncer
):
    from flask import g

    from core.auth.users import system_actor
    from core.tenancy.scope import platform_write_scope

    alpha = pg_factory.tenant("alpha")
    probe = text(
        "select pg_backend_pid(), current_user,"
        " coalesce(current_setting('app.write_tenants', true), '')"
    )
    with pooled_app.app_context():
        g.actor = system_actor()
        with platform_write_scope("test: pooled", [alpha]):
            pid, role, writes = db.session.execute(
                probe, execution_options={"tenant_checked": True}
            ).one()
        db.session.commit()
        db.session.remove()
    assert (role, writes) == ("zugong_platform_writer", str(alpha))
    other = create_engine(
        bouncer.url(pooled_app.config["SQLALCHEMY_DATABASE_URI"]),
        poolclass=pool.NullPool,
        connect_args=pgbouncer.CONNECT_ARGS,
    )
    with other.connect() as conn:
        backend, role, writes = conn.execute(probe).one()
    other.dispose()
    assert backend == pid
    assert (role, writes) == ("zugong_app", "")
