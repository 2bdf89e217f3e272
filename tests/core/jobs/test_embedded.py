"""The embedded mode (no Redis, not TESTING): jobs run on a background thread pool."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from core.jobs import enqueue
from core.jobs.backends import InProcessBackend
from core.serials import next_serial
from tests.core.jobs import tasks
from tests.core.jobs.helpers import acting, serial_value
from tests.factories import Factory


def _wait_for(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the background job did not finish in time"
        time.sleep(0.02)


def test_embedded_jobs_run_on_a_background_thread_after_commit(app, make_app):
    embedded = make_app(app, TESTING=False)
    backend = embedded.extensions["zugong.jobs"]
    assert isinstance(backend, InProcessBackend)
    assert backend.pool is not None
    alpha = Factory(embedded).tenant("alpha")
    alice = Factory(embedded).user("alpha", "alice")

    with acting(embedded, alpha, alice.user_id):
        next_serial("TX")
        enqueue("tests.core.jobs.tasks:make_serial", prefix="BG")
        time.sleep(0.1)
        assert tasks.RAN == []  # not before the commit

    _wait_for(lambda: serial_value(embedded, alpha, "BG") == 1)
    [note] = tasks.RAN
    assert (note["tenant"], note["user"]) == (alpha, alice.user_id)


def test_a_job_id_is_not_queued_twice_while_the_first_is_pending(app, make_app):
    embedded = make_app(app, TESTING=False)
    alpha = Factory(embedded).tenant("alpha")
    release = threading.Event()
    tasks.EVENTS["gate"] = release
    try:
        with acting(embedded, alpha):
            enqueue("tests.core.jobs.tasks:wait_then_serial", event="gate", job_id="gated")
        with acting(embedded, alpha):
            enqueue("tests.core.jobs.tasks:wait_then_serial", event="gate", job_id="gated")
        release.set()
        _wait_for(lambda: serial_value(embedded, alpha, "GATE") == 1)
        embedded.extensions["zugong.jobs"].pool.shutdown(wait=True)
        assert serial_value(embedded, alpha, "GATE") == 1  # the second was a no-op
    finally:
        release.set()
        tasks.EVENTS.pop("gate", None)
