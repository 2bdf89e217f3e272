"""Fixtures: the app on both databases, clean state per test, people and tenants.

Every test that takes ``app`` (or ``client``, ``db_session``…) runs twice: on SQLite
(the embedded default) and on the real PostgreSQL as the app's non-owner role, so
row-level security is live. Tests that only make sense on PostgreSQL take ``pg_app``.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine, pool, text

from core import calendar, clock
from core.app import create_app
from core.db import Base, db
from core.migrate import upgrade
from tests import services
from tests.factories import Factory

TEST_SECRET = "test-secret-key"


def _app(tmp: Path, database_url: str, owner_url: str, **overrides) -> Flask:
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": TEST_SECRET,
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


# -- PostgreSQL: migrate once as the owner, truncate after every test ------------------


@pytest.fixture(scope="session")
def _pg_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    services.require(services.PG_OWNER_URL, "PostgreSQL")
    owner = create_engine(services.PG_OWNER_URL, poolclass=pool.NullPool)
    with owner.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    owner.dispose()
    tmp = tmp_path_factory.mktemp("pg")
    app = _app(tmp, services.app_url(services.PG_OWNER_URL), services.PG_OWNER_URL)
    upgrade(app)
    return app


def _reset(app: Flask) -> None:
    calendar.clear_cache()  # holiday overrides loaded by one test must not leak into the next
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if "zugong.test.template" in app.extensions:
        shutil.copyfile(app.extensions["zugong.test.template"], app.extensions["zugong.test.file"])
        return
    tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
    owner = create_engine(app.config["OWNER_DATABASE_URL"], poolclass=pool.NullPool)
    with owner.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    owner.dispose()


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


@pytest.fixture
def redis_url() -> str:
    services.require(services.REDIS_URL, "Redis")
    from redis import Redis

    Redis.from_url(services.REDIS_URL).flushdb()
    return services.REDIS_URL


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
