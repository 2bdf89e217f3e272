"""Apps for the job tests: the throwaway ``testjobs`` plugin, inline, RQ or threaded jobs."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from core.db import db
from tests.conftest import _app
from tests.core.jobs import tasks, testjobs

MakeApp = Callable[..., Flask]


@pytest.fixture(autouse=True)
def _clean_notes() -> Iterator[None]:
    tasks.RAN.clear()
    tasks.ATTEMPTS.clear()
    yield
    tasks.RAN.clear()
    tasks.ATTEMPTS.clear()


@pytest.fixture
def make_app() -> Iterator[Callable[..., Flask]]:
    """``make_app(base, **config)``: an app on ``base``'s (freshly reset) database with the
    ``testjobs`` plugin installed; closed again after the test."""
    made: list[Flask] = []

    def make(base: Flask, **overrides: Any) -> Flask:
        app = _app(
            Path(base.instance_path),
            base.config["SQLALCHEMY_DATABASE_URI"],
            base.config["OWNER_DATABASE_URL"],
            EXTRA_PLUGINS=[(testjobs.NAME, testjobs)],
            **overrides,
        )
        made.append(app)
        return app

    yield make
    for app in made:
        pool = getattr(app.extensions["zugong.jobs"], "pool", None)
        if pool is not None:
            pool.shutdown(wait=True)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def jobs_app(app: Flask, make_app: MakeApp) -> Flask:
    """Jobs run inline, where the transaction commits (TESTING), on SQLite and PostgreSQL."""
    return make_app(app)


@pytest.fixture
def queue_name() -> str:
    return f"jobs-test-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def rq_app(pg_app: Flask, make_app: MakeApp, redis_url: str, queue_name: str) -> Flask:
    """Jobs go to a real RQ queue (a fresh one per test) on the test Redis; PostgreSQL."""
    return make_app(pg_app, REDIS_URL=redis_url, RQ_QUEUE=queue_name)
