"""The two job backends, chosen by configuration at start-up (:func:`init_backend`).

With ``REDIS_URL`` jobs go to RQ and an RQ worker (``zugong worker``) runs them through
:func:`core.jobs.runner.run_call`; without it (the embedded default) the same runner
runs them on a thread pool of this process, or inline in tests. Kept apart from
:mod:`core.jobs.dispatch` because the embedded backend calls the runner, which needs
dispatch's ``JobCall``: dispatch → runner → dispatch would be a cycle.
"""

from __future__ import annotations

import contextvars
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from typing import Any

from flask import Flask

from core.jobs.dispatch import JobCall, retry_intervals
from core.jobs.runner import run_with_retries

log = logging.getLogger(__name__)


class RQBackend:
    RUN = "core.jobs.runner.run_call"

    def __init__(self, app: Flask) -> None:
        from redis import Redis
        from rq import Queue

        self.redis = Redis.from_url(app.config["REDIS_URL"])
        self.queue = Queue(app.config["RQ_QUEUE"], connection=self.redis)
        self.intervals = retry_intervals(app)
        self.timeout = app.config.get("JOB_TIMEOUT")  # None: RQ's default, 180 s

    def submit(self, call: JobCall) -> bool:
        """Queue ``call``; ``False`` if a job with its key is still pending."""
        from rq.exceptions import DuplicateJobError

        if call.key is None:
            self._enqueue(call, unique=False)
            return True
        try:
            self._enqueue(call, unique=True)
            return True
        except DuplicateJobError:
            if self._pending(call.key):
                log.info("job %s is already queued or running", call.key)
                return False
        # The earlier job with this id is finished or failed: replace it.
        try:
            self._enqueue(call, unique=True)
            return True
        except DuplicateJobError:
            log.info("job %s was queued concurrently", call.key)
            return False

    def _enqueue(self, call: JobCall, unique: bool) -> Any:
        from rq import Retry

        retry = (
            Retry(max=len(self.intervals), interval=list(self.intervals))
            if self.intervals
            else None
        )
        return self.queue.enqueue_call(
            self.RUN,
            args=(asdict(call),),
            job_id=call.key,
            unique=unique,
            retry=retry,
            timeout=self.timeout,
            description=f"{call.path} tenant={call.tenant_id} plugin={call.plugin}",
        )

    def _pending(self, key: str) -> bool:
        from rq.exceptions import NoSuchJobError
        from rq.job import Job, JobStatus

        try:
            job = Job.fetch(key, connection=self.redis)
        except NoSuchJobError:
            return False
        done = (JobStatus.FINISHED, JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED)
        if job.get_status(refresh=False) not in done:
            return True
        job.delete()
        return False


class InProcessBackend:
    """The embedded mode: the same runner on a background thread pool, or inline.

    Inline (tests) runs the job at once, where the transaction commits, in a fresh
    context (no app, request or tenant of the caller leaks in) and retries without
    waiting; ``sleep`` may be replaced to observe the waits.
    """

    def __init__(self, app: Flask, inline: bool, threads: int = 2) -> None:
        self.app = app
        self.inline = inline
        self.sleep: Callable[[float], Any] = (lambda _s: None) if inline else time.sleep
        self.pool = (
            None if inline else ThreadPoolExecutor(max_workers=threads, thread_name_prefix="job")
        )
        self._active: set[str] = set()
        self._lock = threading.Lock()

    def submit(self, call: JobCall) -> bool:
        key = call.key
        if key is not None:
            with self._lock:
                if key in self._active:
                    log.info("job %s is already queued or running", key)
                    return False
                self._active.add(key)
        if self.pool is None:
            contextvars.Context().run(self._run, call)
        else:
            self.pool.submit(self._run, call)
        return True

    def _run(self, call: JobCall) -> Any:
        try:
            return run_with_retries(self.app, call, sleep=self.sleep)
        finally:
            if call.key is not None:
                with self._lock:
                    self._active.discard(call.key)


def init_backend(app: Flask) -> None:
    if app.config.get("REDIS_URL"):
        app.extensions["zugong.jobs"] = RQBackend(app)
    else:
        inline = bool(app.config.get("JOBS_INLINE", app.config.get("TESTING", False)))
        threads = int(app.config.get("JOBS_THREADS", 2))
        app.extensions["zugong.jobs"] = InProcessBackend(app, inline=inline, threads=threads)
