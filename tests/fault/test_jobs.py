"""``zugong worker`` under faults: its work horse and its scheduler killed with SIGKILL,
Redis gone while a request commits. Each time nothing committed is lost, nothing runs
twice, and the same worker process carries on (no restart).

All on PostgreSQL as the app's non-owner role, with a fresh RQ queue per test.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from redis import Redis
from rq.job import Job, JobStatus
from rq.scheduler import SCHEDULER_KEY_TEMPLATE, RQScheduler

from core.jobs import enqueue, outbox
from core.serials import next_serial
from tests.core.jobs.helpers import acting, queue_of, serial_value, worker_process
from tests.factories import Factory

TASKS = "tests.core.jobs.tasks"
#: No wait in these tests is allowed longer than this.
BOUND = 25


def _until(condition: Callable[[], object], what: str, worker: subprocess.Popen) -> None:
    deadline = time.monotonic() + BOUND
    while not condition():
        if worker.poll() is not None:
            pytest.fail(f"the worker exited while waiting for {what}: {worker.communicate()[0]}")
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: not within {BOUND} s")
        time.sleep(0.1)


def _gone(pid: int) -> bool:
    """The process has exited (a zombie its parent has not reaped yet counts as gone)."""
    stat = Path(f"/proc/{pid}/stat")
    try:
        return stat.read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


@pytest.fixture
def running_worker() -> Iterator[Callable[[Flask], subprocess.Popen]]:
    """``running_worker(app)``: a long-running ``zugong worker`` (no periodic jobs), stopped
    with SIGTERM (then SIGKILL) after the test."""
    started: list[subprocess.Popen] = []

    def start(app: Flask) -> subprocess.Popen:
        process = worker_process(app, "--no-scheduler")
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        process.communicate()


def _scheduler_pid(redis: Redis, queue: str) -> int:
    """The pid of the RQ scheduler holding the queue's lock (0 while there is none)."""
    name = redis.get(RQScheduler.get_locking_key(queue))
    if name is None:
        return 0
    pid = redis.hget(SCHEDULER_KEY_TEMPLATE % name.decode(), "pid")
    return int(pid or 0)


def test_a_job_committed_while_redis_is_down_runs_once_when_it_is_back(
    pg_app, make_app, own_redis, queue_name, running_worker
):
    app = make_app(pg_app, REDIS_URL=own_redis.url, RQ_QUEUE=queue_name)
    alpha = Factory(app).tenant("alpha")
    worker = running_worker(app)
    _until(lambda: _scheduler_pid(queue_of(app).connection, queue_name), "worker up", worker)

    own_redis.stop()
    with acting(app, alpha):
        next_serial("OWN")  # the request's own data ...
        enqueue(f"{TASKS}:make_serial", prefix="DOWN")  # ... and its job: one commit
    assert serial_value(app, alpha, "OWN") == 1  # the commit did not fail
    own_redis.start()

    _until(lambda: serial_value(app, alpha, "DOWN") == 1, "the job ran", worker)
    time.sleep(3)  # a few more drains and dequeues: nothing is sent twice
    assert serial_value(app, alpha, "DOWN") == 1
    with app.app_context():
        assert outbox.unsent_count() == 0
    assert worker.poll() is None


def test_a_killed_scheduler_is_restarted_and_the_scheduled_retry_runs(
    pg_app, make_app, redis_url, queue_name, running_worker
):
    app = make_app(pg_app, REDIS_URL=redis_url, RQ_QUEUE=queue_name, JOB_RETRY_INTERVALS=(1, 1))
    alpha = Factory(app).tenant("alpha")
    redis = queue_of(app).connection
    worker = running_worker(app)
    _until(lambda: _scheduler_pid(redis, queue_name), "the scheduler started", worker)
    first = _scheduler_pid(redis, queue_name)

    os.kill(first, signal.SIGKILL)
    _until(lambda: _gone(first), "the scheduler died", worker)
    with acting(app, alpha):
        next_serial("OWN")
        enqueue(f"{TASKS}:fails_first", prefix="RETRY", counter_key=f"{queue_name}:attempts")

    # The first attempt fails; its retry, due a second later, needs a scheduler to be
    # moved back onto the queue.
    _until(lambda: serial_value(app, alpha, "RETRY") == 1, "the retry ran", worker)
    assert int(redis.get(f"{queue_name}:attempts")) == 2
    assert _scheduler_pid(redis, queue_name) not in (0, first)
    assert worker.poll() is None


def test_a_killed_work_horse_loses_only_its_attempt_and_the_retry_completes(
    pg_app, make_app, redis_url, queue_name, running_worker
):
    app = make_app(pg_app, REDIS_URL=redis_url, RQ_QUEUE=queue_name, JOB_RETRY_INTERVALS=(1, 1))
    alpha = Factory(app).tenant("alpha")
    queue = queue_of(app)
    redis = queue.connection
    block = f"{queue_name}:block"
    redis.set(block, "1")
    worker = running_worker(app)
    with acting(app, alpha):
        next_serial("OWN")
        enqueue(f"{TASKS}:blocked_serial", prefix="HORSE", block_key=block)
    job_id = f"outbox-{_only_outbox_id(app)}"  # the RQ job id of the outbox row

    _until(lambda: redis.exists(f"{block}:running"), "the job started", worker)
    horse = int(redis.get(f"{block}:running"))
    assert horse != worker.pid  # RQ runs the job in a forked work horse
    redis.delete(f"{block}:running")
    os.kill(horse, signal.SIGKILL)  # mid-transaction: its serial is written, not committed
    redis.delete(block)

    job = Job.fetch(job_id, connection=redis)
    _until(lambda: job.get_status(refresh=True) == JobStatus.FINISHED, "the retry ran", worker)
    assert serial_value(app, alpha, "HORSE") == 1  # the killed attempt's write is gone
    assert worker.poll() is None  # the same worker carries on


def _only_outbox_id(app: Flask) -> int:
    from sqlalchemy import select

    from core.db import db
    from core.jobs.models import OutboxJob

    with app.app_context():
        [row_id] = db.session.scalars(select(OutboxJob.id)).all()
        db.session.rollback()
        return row_id
