"""PostgreSQL connections cut under a bounded write load: every backend of the test
database but the killer's own is terminated again and again while clients write through
the API. Nothing a client was told is saved is lost, a request and its job commit
together or not at all, a cut answers 503 (never 500), and the same app serves the next
request without a restart."""

from __future__ import annotations

import threading
import time
import traceback
from collections import Counter

import pytest
from sqlalchemy import create_engine, func, pool, select, text

from core.db import db
from core.jobs.models import OutboxJob
from tests.core.jobs.helpers import serial_value
from tests.factories import Factory, bearer

URL = "/api/v1/t/alpha/testjobs/serial"
WRITERS = 4
WRITES_EACH = 40
#: Each request writes a serial ("OWN") and enqueues a job (one outbox row) in one commit.
KILL_EVERY = 0.5


def _terminate_other_backends(owner_url: str, stop: threading.Event) -> list[int]:
    """Terminate every other backend of this database (never another database's) until
    ``stop``; returns how many were terminated per round."""
    engine = create_engine(owner_url, poolclass=pool.NullPool)
    rounds: list[int] = []
    try:
        with engine.connect() as conn:
            while not stop.wait(KILL_EVERY):
                killed = conn.execute(
                    text(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                        " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
                ).scalar_one()
                conn.commit()
                rounds.append(killed)
    finally:
        engine.dispose()
    return rounds


@pytest.fixture(autouse=True)
def _fresh_connections_afterwards(pg_app):
    """The killer ends every other backend of this worker's database, the pooled ones of
    the suite's app and the harness's owner connection too: the next test on this
    worker must not inherit a dead connection."""
    yield
    with pg_app.app_context():
        db.engine.dispose()
    pg_app.extensions["zugong.test.owner"].dispose()


def test_committed_writes_survive_backends_terminated_under_load(pg_app, make_app, redis_url):
    # Production's engine options (pool_pre_ping), RQ so that jobs are outbox rows.
    app = make_app(
        pg_app,
        REDIS_URL=redis_url,
        RQ_QUEUE="fault-db",
        SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True},
    )
    factory = Factory(app)
    alpha = factory.tenant("alpha", plugins=["testjobs"])
    token = factory.token(factory.user("alpha", "alice"))
    statuses: Counter[int] = Counter()
    escaped: list[str] = []
    lock = threading.Lock()

    def write() -> None:
        client = app.test_client()
        for _ in range(WRITES_EACH):
            try:
                status = client.post(URL, json={}, headers=bearer(token)).status_code
            except Exception as exc:  # escaped the app: the WSGI server answers a bare 500
                status = -1
                with lock:
                    escaped.append("".join(traceback.format_exception(exc)))
            with lock:
                statuses[status] += 1

    stop = threading.Event()
    rounds: list[int] = []
    killer = threading.Thread(
        target=lambda: rounds.extend(
            _terminate_other_backends(app.config["OWNER_DATABASE_URL"], stop)
        )
    )
    writers = [threading.Thread(target=write) for _ in range(WRITERS)]
    killer.start()
    started = time.monotonic()
    for thread in writers:
        thread.start()
    for thread in writers:
        thread.join(timeout=60)
    stop.set()
    killer.join(timeout=10)
    assert time.monotonic() - started < 30

    assert sum(rounds) > 0, "no backend was terminated: the test tested nothing"
    assert sum(statuses.values()) == WRITERS * WRITES_EACH  # every request was answered
    assert not escaped, escaped[0]
    assert set(statuses) <= {200, 503}, statuses  # a cut connection is 503, never 500
    assert statuses[503] > 0, statuses
    saved = serial_value(app, alpha, "OWN") or 0
    # Every 200 was committed; a request cut during its COMMIT may have committed too.
    assert statuses[200] <= saved <= statuses[200] + statuses[503]
    with app.app_context():
        jobs = db.session.scalar(select(func.count()).select_from(OutboxJob))
        db.session.rollback()
    assert jobs == saved  # each committed request's job, and no other

    # Recovered: the very next request succeeds, no restart.
    response = app.test_client().post(URL, json={}, headers=bearer(token))
    assert response.status_code == 200
    assert serial_value(app, alpha, "OWN") == saved + 1
