"""Fixtures: the app on both databases, clean state per test, people and tenants.

Every test that takes ``app`` (or ``client``, ``db_session``…) is parametrised twice: on
SQLite (the embedded default) and on the real PostgreSQL as the app's non-owner role, so
row-level security is live. The SQLite half runs for the embedded-mode selection only,
unless ``--all-backends`` (see tests/run.py). Tests that only make sense on PostgreSQL
take ``pg_app``. Each test process has a database and a Redis db of its own.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine, pool

from core import calendar, clock
from core.app import create_app
from core.db import Base, db
from core.migrate import upgrade
from tests import pgbouncer, services
from tests.factories import Factory
from tests.run import (  # noqa: F401 - the run's hooks, registered by being here
    pytest_addoption,
    pytest_collection_modifyitems,
    pytest_configure,
    pytest_configure_node,
    pytest_sessionfinish,
    pytest_terminal_summary,
    run_name,
    worker_name,
)

TEST_SECRET = "test-secret-key"
#: One PBKDF2 round instead of scrypt: the factories hash thousands of passwords per run.
#: Production's scrypt is asserted in tests/core/auth/test_passwords.py.
TEST_PASSWORD_HASH = "pbkdf2:sha256:1"


def _app(tmp: Path, database_url: str, owner_url: str, **overrides) -> Flask:
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": TEST_SECRET,
            "PASSWORD_HASH_METHOD": TEST_PASSWORD_HASH,
            "SQLITE_SYNCHRONOUS": "OFF",  # a test database need not survive a power cut
            "INSTANCE_PATH": str(tmp),
            "SQLALCHEMY_DATABASE_URI": database_url,
            "OWNER_DATABASE_URL": owner_url,
            "REDIS_URL": None,
            "SQLALCHEMY_ENGINE_OPTIONS": {"poolclass": pool.NullPool}
            if database_url.startswith("sqlite")
            else {},
            **overrides,
        }
    )


# -- SQLite: migrate once, copy the file for every test --------------------------------


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("sqlite-template")
    url = f"sqlite:///{tmp / 'template.db'}"
    upgrade(_app(tmp, url, url))
    return tmp / "template.db"


@pytest.fixture(scope="session")
def _sqlite_app(tmp_path_factory: pytest.TempPathFactory, _sqlite_template: Path) -> Flask:
    tmp = tmp_path_factory.mktemp("sqlite")
    url = f"sqlite:///{tmp / 'zugong.db'}"
    app = _app(tmp, url, url)
    app.extensions["zugong.test.template"] = _sqlite_template
    app.extensions["zugong.test.file"] = tmp / "zugong.db"
    return app


# -- PostgreSQL: a database per worker, cloned from the run's migrated template --------


def _migrate(tmp: Path) -> Callable[[str], None]:
    def migrate(owner_url: str) -> None:
        app = _app(
            tmp,
            services.app_url(owner_url),
            owner_url,
            SQLALCHEMY_ENGINE_OPTIONS={"poolclass": pool.NullPool},  # nothing stays connected
        )
        upgrade(app)

    return migrate


@pytest.fixture(scope="session")
def _pg_app(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Flask:
    services.require(services.PG_OWNER_URL, "PostgreSQL")
    run = run_name(request.config)
    owner_url = services.clone_database(
        f"{run}_template",
        f"{run}_{worker_name()}",
        _migrate(tmp_path_factory.mktemp("pg-template")),
    )
    tmp = tmp_path_factory.mktemp("pg")
    app_url, options = services.app_url(owner_url), {}
    if request.config.getoption("--pgbouncer"):
        bouncer = pgbouncer.start()
        request.addfinalizer(bouncer.stop)
        app_url = bouncer.url(app_url)
        options = {"SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": pgbouncer.CONNECT_ARGS}}
    app = _app(tmp, app_url, owner_url, **options)
    # One owner connection for the whole session resets the database between tests.
    app.extensions["zugong.test.owner"] = create_engine(owner_url, pool_size=1)
    return app


#: Empties what the last test wrote: only tables that have rows (most tests touch a few
#: of ~50), in any order (``replica`` skips the foreign-key triggers, and the audit log's
#: append-only trigger), and rewinds every sequence that was used, as RESTART IDENTITY
#: did. One round trip; measured at a fraction of TRUNCATE's cost (README).
_PG_RESET = """
DO $$
DECLARE t text; dirty boolean;
BEGIN
  PERFORM set_config('session_replication_role', 'replica', true);
  FOREACH t IN ARRAY ARRAY[{tables}]::text[] LOOP
    CONTINUE WHEN to_regclass(quote_ident(t)) IS NULL;
    EXECUTE format('SELECT EXISTS (SELECT FROM %I)', t) INTO dirty;
    IF dirty THEN
      EXECUTE format('DELETE FROM %I', t);
    END IF;
  END LOOP;
  PERFORM setval(format('%I.%I', schemaname, sequencename), start_value, false)
    FROM pg_sequences WHERE schemaname = 'public' AND last_value IS NOT NULL;
END $$
"""


def _reset(app: Flask) -> None:
    calendar.clear_cache()  # holiday overrides loaded by one test must not leak into the next
    # The database is rewound (its cache version too): cached enablement must go with it.
    for each in (app, *app.extensions.get("zugong.test.siblings", {}).values()):
        each.extensions.pop("zugong.cache", None)
    with app.app_context():
        db.session.remove()
    if "zugong.test.template" in app.extensions:
        shutil.copyfile(app.extensions["zugong.test.template"], app.extensions["zugong.test.file"])
        return
    # Read at every reset: test modules add throwaway plugins' tables to the metadata.
    tables = ", ".join(f"'{t.name}'" for t in Base.metadata.sorted_tables)
    with app.extensions["zugong.test.owner"].begin() as conn:
        # The driver's own execute: no parameters, so format()'s %I is not a placeholder.
        conn.connection.driver_connection.execute(_PG_RESET.format(tables=tables))


@pytest.fixture(params=["sqlite", "postgres"])
def app(request: pytest.FixtureRequest) -> Iterator[Flask]:
    flask_app = request.getfixturevalue("_sqlite_app" if request.param == "sqlite" else "_pg_app")
    _reset(flask_app)
    yield flask_app
    with flask_app.app_context():
        db.session.remove()


@pytest.fixture
def pg_app(_pg_app: Flask) -> Iterator[Flask]:
    _reset(_pg_app)
    yield _pg_app
    with _pg_app.app_context():
        db.session.remove()


#: The configuration another app needs to share ``app``'s database and instance.
SHARED_CONFIG = (
    "TESTING",
    "SECRET_KEY",
    "PASSWORD_HASH_METHOD",
    "SQLITE_SYNCHRONOUS",
    "INSTANCE_PATH",
    "SQLALCHEMY_DATABASE_URI",
    "OWNER_DATABASE_URL",
    "REDIS_URL",
    "SQLALCHEMY_ENGINE_OPTIONS",
)


@pytest.fixture
def sibling_app(app: Flask):
    """``sibling_app("name", EXTRA_PLUGINS=[...])``: an app on ``app``'s (already reset)
    database with some configuration changed — typically a throwaway plugin installed.
    Built once per backend and name."""
    used: list[Flask] = []

    def make(name: str, **overrides) -> Flask:
        siblings = app.extensions.setdefault("zugong.test.siblings", {})
        if name not in siblings:
            config = {key: app.config[key] for key in SHARED_CONFIG}
            siblings[name] = create_app({**config, **overrides})
        used.append(siblings[name])
        return siblings[name]

    yield make
    for other in used:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()  # no pooled connection may hold locks into the next reset


@pytest.fixture
def app_context(app: Flask) -> Iterator[Flask]:
    with app.app_context():
        yield app
        db.session.rollback()


@pytest.fixture
def factory(app: Flask) -> Factory:
    return Factory(app)


@pytest.fixture
def pg_factory(pg_app: Flask) -> Factory:
    """For tests that only make sense on PostgreSQL (RLS, row locks)."""
    return Factory(pg_app)


@pytest.fixture
def client(app: Flask):
    return app.test_client()


@pytest.fixture(scope="session")
def _redis_db(request: pytest.FixtureRequest) -> Iterator[str]:
    """This process's own Redis db, leased for the session."""
    services.require(services.REDIS_URL, "Redis")
    holder = f"{run_name(request.config)}_{worker_name()}"
    leased = services.lease_redis_db(holder)
    yield services.redis_db_url(leased)
    services.release_redis_db(leased, holder)


@pytest.fixture
def redis_url(_redis_db: str) -> str:
    """An empty Redis db that no other test process uses."""
    from redis import Redis

    with Redis.from_url(_redis_db) as redis:
        redis.flushdb()
    return _redis_db


# -- the clock ------------------------------------------------------------------------


@pytest.fixture
def set_today() -> Iterator[Callable[[date], None]]:
    """``set_today(date(2026, 9, 16))`` stops the clock on that day (noon, Shanghai);
    the clock runs again after the test."""

    def move(day: date) -> None:
        clock.freeze(datetime.combine(day, time(12), tzinfo=clock.TZ))

    yield move
    clock.freeze(None)
    clock.set_offset(timedelta(0))
