"""``zugong worker``: an RQ worker that keeps its scheduler alive and drains the outbox.

RQ's worker starts its scheduler (which moves due retries onto the queue) in a child
process, and only looks at it again in a maintenance pass, which an idle worker runs
after its blocking dequeue times out: 405 s with RQ's defaults. A killed scheduler so
left retries waiting for minutes. This worker dequeues in short waits and, as soon as
it sees its scheduler process dead, runs the pass that restarts it.

Beside RQ's loop, a thread drains the job outbox (:mod:`core.jobs.outbox`): jobs whose
commit could not reach Redis are sent from here once it is back.
"""

from __future__ import annotations

import logging
import threading

from flask import Flask
from rq import Queue, Worker

from core.jobs import outbox

log = logging.getLogger(__name__)

#: Seconds a worker waits for a job before it looks at its scheduler again.
DEQUEUE_WAIT = 5
#: Seconds between the worker's outbox drains.
DRAIN_INTERVAL = 2


class SupervisingWorker(Worker):
    """An RQ worker that restarts its scheduler within :data:`DEQUEUE_WAIT` seconds."""

    _reported: object | None = None

    @property
    def dequeue_timeout(self) -> int:
        return min(DEQUEUE_WAIT, super().dequeue_timeout)

    @property
    def should_run_maintenance_tasks(self) -> bool:
        return super().should_run_maintenance_tasks or self._scheduler_died()

    def run_maintenance_tasks(self) -> None:
        if self._scheduler_died():
            process = self.scheduler._process
            if process is not self._reported:  # once per death, however long it takes
                self._reported = process
                log.error(
                    "RQ scheduler (pid %s) died with exit code %s: restarting it",
                    process.pid,
                    process.exitcode,
                )
            # Its lock carries the scheduler's name, which the restarted one keeps, so
            # it is taken back at once (RQ would otherwise wait for it to expire).
            self.scheduler.acquire_locks(auto_start=True)
            if not super().should_run_maintenance_tasks:
                return
        super().run_maintenance_tasks()

    def _scheduler_died(self) -> bool:
        """Whether the scheduler process this worker started has exited."""
        process = self.scheduler._process if self.scheduler else None
        return process is not None and not process.is_alive()


def run(app: Flask, *, burst: bool, periodic: bool, maintenance_interval: int) -> None:
    """Work the app's queue until stopped (or, with ``burst``, until it is empty)."""
    from redis import Redis

    from core.jobs.runner import set_worker_app
    from core.jobs.scheduler import start_scheduler_thread

    set_worker_app(app)
    with app.app_context():
        outbox.drain(app)  # what waited while no worker (or no Redis) was there
    stop = threading.Event()
    if not burst:
        start_drain_thread(app, stop)
        if periodic:
            start_scheduler_thread(app)
    connection = Redis.from_url(app.config["REDIS_URL"])
    queue = Queue(app.config["RQ_QUEUE"], connection=connection)
    worker = SupervisingWorker(
        [queue], connection=connection, maintenance_interval=maintenance_interval
    )
    try:
        worker.work(with_scheduler=True, burst=burst, logging_level=app.config["LOG_LEVEL"])
    finally:
        stop.set()


def start_drain_thread(app: Flask, stop: threading.Event) -> threading.Thread:
    def loop() -> None:
        while not stop.wait(DRAIN_INTERVAL):
            with app.app_context():
                outbox.drain(app)  # logs and keeps the rows when Redis or the DB is down

    thread = threading.Thread(target=loop, name="zugong-outbox", daemon=True)
    thread.start()
    return thread
