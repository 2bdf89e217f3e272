"""``zugong worker`` as a real process: it runs a queued job into the database, and a job
whose worker is killed mid-run is re-queued by RQ's maintenance pass and then completes.

Both use the PostgreSQL of ``pg_app`` (as the app's non-owner role, so row-level security
is live in the worker) and a fresh queue on the test Redis.
"""

from __future__ import annotations

import os
import signal
import time

from flask import Flask
from rq.job import Job, JobStatus
from rq.registry import StartedJobRegistry

from core.jobs import enqueue
from tests.core.jobs.helpers import (
    acting,
    audit_entries,
    queue_of,
    serial_value,
    worker_process,
)
from tests.factories import Factory

TASKS = "tests.core.jobs.tasks"


def _burst(app: Flask) -> str:
    process = worker_process(app, "--burst")
    output, _ = process.communicate(timeout=60)
    assert process.returncode == 0, output
    return output


def test_zugong_worker_runs_a_queued_job_into_its_tenant(rq_app):
    factory = Factory(rq_app)
    alpha, beta = factory.tenant("alpha"), factory.tenant("beta")
    alice = factory.user("alpha", "alice")
    with acting(rq_app, alpha, alice.user_id):
        enqueue(f"{TASKS}:make_serial", prefix="W")
    [job] = queue_of(rq_app).jobs

    output = _burst(rq_app)

    assert job.get_status() == JobStatus.FINISHED, output
    assert serial_value(rq_app, alpha, "W") == 1
    assert serial_value(rq_app, beta, "W") is None
    [entry] = audit_entries(rq_app, alpha)
    assert (entry.actor_id, entry.actor_name) == (alice.user_id, "alice")


def test_a_job_of_a_killed_worker_is_requeued_by_maintenance_and_completes(
    pg_app, make_app, redis_url, queue_name
):
    app = make_app(pg_app, REDIS_URL=redis_url, RQ_QUEUE=queue_name, JOB_RETRY_INTERVALS=(0, 0, 0))
    alpha = Factory(app).tenant("alpha")
    queue = queue_of(app)
    redis = queue.connection
    block = f"{queue_name}:block"
    redis.set(block, "1")
    with acting(app, alpha):
        enqueue(f"{TASKS}:blocked_serial", prefix="K", block_key=block)
    [job_id] = queue.job_ids

    worker = worker_process(app, "--burst")
    try:
        deadline = time.monotonic() + 30
        while not redis.exists(f"{block}:running"):
            assert worker.poll() is None, worker.communicate()[0]
            assert time.monotonic() < deadline, "the job never started"
            time.sleep(0.05)
        horse = int(redis.get(f"{block}:running"))
        assert horse != worker.pid  # RQ runs the job in a forked work horse
        # SIGKILL: no warm shutdown, no failure handling; the job's transaction dies
        # with its connection.
        os.kill(worker.pid, signal.SIGKILL)
        os.kill(horse, signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
        worker.communicate()

    job = Job.fetch(job_id, connection=redis)
    assert job.get_status() == JobStatus.STARTED  # abandoned: nobody will finish it
    registry = StartedJobRegistry(queue.name, connection=redis)
    assert job_id in registry.get_job_ids()

    # The next maintenance pass (any worker's, every maintenance_interval) finds the job
    # once its execution's heartbeat has expired: at least 60 s after the last beat, so
    # the pass is run here as it would run two minutes later.
    registry.cleanup(timestamp=time.time() + 120)

    job.refresh()
    assert job.get_status() == JobStatus.QUEUED
    assert job.retries_left == 2
    assert queue.job_ids == [job_id]

    redis.delete(block)
    _burst(app)

    assert Job.fetch(job_id, connection=redis).get_status() == JobStatus.FINISHED
    assert serial_value(app, alpha, "K") == 1  # the killed attempt's write never committed
