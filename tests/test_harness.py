"""The suite's own machinery: a run's databases and Redis dbs are its own, and the reset
between tests leaves nothing behind."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from sqlalchemy import create_engine, pool, select, text

from core.db import Base, db
from core.tenancy.models import Tenant
from tests import services
from tests.conftest import _reset, run_name
from tests.factories import Factory


def _database(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def test_every_run_has_a_name_of_its_own():
    names = {services.new_run_name() for _ in range(20)}
    assert len(names) == 20
    assert all(name.startswith("zgt_") for name in names)


def test_a_test_database_belongs_to_this_run_not_to_the_configured_server_url(pg_app, request):
    name = _database(pg_app.config["OWNER_DATABASE_URL"])
    assert name.startswith(f"{run_name(request.config)}_")
    assert name != _database(services.PG_OWNER_URL)
    assert _database(pg_app.config["SQLALCHEMY_DATABASE_URI"]) == name


def test_another_run_creates_and_drops_only_its_own_databases(pg_app):
    other = services.new_run_name()

    def migrate(url: str) -> None:
        engine = create_engine(url, poolclass=pool.NullPool)
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE marker (id int)"))
        engine.dispose()

    url = services.clone_database(f"{other}_template", f"{other}_gw0", migrate)
    try:
        engine = create_engine(url, poolclass=pool.NullPool)
        with engine.connect() as conn:  # the clone has the template's schema
            assert conn.scalar(text("SELECT count(*) FROM marker")) == 0
        engine.dispose()
    finally:
        dropped = services.drop_run_databases(other)
    assert sorted(dropped) == [f"{other}_gw0", f"{other}_template"]
    with pg_app.app_context():  # this run's database is untouched
        assert db.session.scalar(select(Tenant.id).limit(1)) is None


def test_redis_leases_are_exclusive_and_only_their_holder_releases_them(redis_url):
    first = services.lease_redis_db("harness-first")
    try:
        second = services.lease_redis_db("harness-second")
        try:
            assert first != second
            assert str(first) != urlsplit(redis_url).path.lstrip("/")
            services.release_redis_db(first, "harness-second")  # not the holder: no effect
            third = services.lease_redis_db("harness-third")
            services.release_redis_db(third, "harness-third")
            assert third not in (first, second)
        finally:
            services.release_redis_db(second, "harness-second")
    finally:
        services.release_redis_db(first, "harness-first")


def test_the_reset_empties_what_a_test_wrote_and_rewinds_the_sequences(pg_app):
    factory = Factory(pg_app)
    factory.tenant("alpha", plugins=["petitions"])
    factory.user("alpha", "alice")
    factory.tenant("beta")
    _reset(pg_app)
    owner = create_engine(pg_app.config["OWNER_DATABASE_URL"], poolclass=pool.NullPool)
    with owner.connect() as conn:  # as the owner: RLS would hide rows from the app role
        written = {
            table.name: n
            for table in Base.metadata.sorted_tables
            if (n := conn.scalar(text(f"SELECT count(*) FROM {table.name}")))
        }
    owner.dispose()
    assert written == {}
    assert factory.tenant("gamma") == 1


@pytest.mark.parametrize("attempt", [1, 2])
def test_ids_start_from_one_in_every_test(pg_factory, attempt):
    assert pg_factory.tenant(f"t{attempt}") == 1
