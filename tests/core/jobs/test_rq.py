"""Jobs on RQ (real Redis, PostgreSQL): queued after commit, with a retry policy, unique
per tenant and job_id, and run by an RQ worker (SimpleWorker, in this process)."""

from __future__ import annotations

import pytest
from rq.job import Job, JobStatus

from core.db import db
from core.jobs import enqueue
from core.jobs.backends import RQBackend
from core.serials import next_serial
from tests.core.jobs import tasks
from tests.core.jobs.helpers import acting, audit_entries, queue_of, serial_value, work_burst
from tests.factories import Factory, bearer

URL = "/api/v1/t/alpha/testjobs/serial"
TASKS = "tests.core.jobs.tasks"


def test_a_job_reaches_the_queue_only_when_the_request_commits(rq_app):
    assert isinstance(rq_app.extensions["zugong.jobs"], RQBackend)
    factory = Factory(rq_app)
    alpha = factory.tenant("alpha", plugins=["testjobs"])
    alice = factory.user("alpha", "alice")
    token = factory.token(alice)
    client, queue = rq_app.test_client(), queue_of(rq_app)

    assert client.post(URL, json={"outcome": "error"}, headers=bearer(token)).status_code == 422
    assert client.post(URL, json={"outcome": "raise"}, headers=bearer(token)).status_code == 500
    assert queue.count == 0

    response = client.post(URL, json={}, headers=bearer(token))
    assert response.status_code == 200
    assert response.json["queued"] == 0  # still empty while the view ran
    assert queue.count == 1
    [job] = queue.jobs
    assert job.func_name == "core.jobs.runner.run_call"
    assert job.args == (
        {
            "path": f"{TASKS}:make_serial",
            "tenant_id": alpha,
            "plugin": None,
            "user_id": alice.user_id,
            "kwargs": {"prefix": "REQ"},
            "job_id": None,
        },
    )
    assert (job.retries_left, job.retry_intervals) == (3, [10, 60, 300])
    assert tasks.RAN == []  # nothing ran in the web process

    work_burst(rq_app)

    assert job.get_status() == JobStatus.FINISHED
    assert serial_value(rq_app, alpha, "REQ") == 1
    [entry] = audit_entries(rq_app, alpha)
    assert entry.actor_id == alice.user_id


def test_nothing_is_queued_on_rollback_outside_a_request(rq_app):
    alpha = Factory(rq_app).tenant("alpha")
    with acting(rq_app, alpha):
        next_serial("TX")
        enqueue(f"{TASKS}:make_serial", prefix="X")
        assert queue_of(rq_app).count == 0
        db.session.rollback()
    assert queue_of(rq_app).count == 0


def test_rq_retries_a_failing_job_until_it_succeeds(pg_app, make_app, redis_url, queue_name):
    app = make_app(pg_app, REDIS_URL=redis_url, RQ_QUEUE=queue_name, JOB_RETRY_INTERVALS=(0, 0, 0))
    alpha = Factory(app).tenant("alpha")
    with acting(app, alpha):
        enqueue(f"{TASKS}:flaky", prefix="FL", failures=2, name="rq")
    [job] = queue_of(app).jobs
    assert (job.retries_left, job.retry_intervals) == (3, [0, 0, 0])

    work_burst(app)

    assert tasks.ATTEMPTS["rq"] == 3
    assert job.get_status() == JobStatus.FINISHED
    job.refresh()
    assert job.retries_left == 1
    assert serial_value(app, alpha, "FL") == 1  # the failed attempts rolled back


@pytest.mark.usefixtures("redis_url")
def test_a_job_id_is_unique_per_tenant_while_the_job_is_pending(rq_app):
    factory = Factory(rq_app)
    alpha, beta = factory.tenant("alpha"), factory.tenant("beta")
    queue = queue_of(rq_app)
    for tenant_id in (alpha, alpha, beta):
        with acting(rq_app, tenant_id):
            enqueue(f"{TASKS}:make_serial", prefix="U", job_id="monthly-report")
    assert sorted(queue.job_ids) == [f"t{alpha}-monthly-report", f"t{beta}-monthly-report"]

    work_burst(rq_app)
    assert serial_value(rq_app, alpha, "U") == serial_value(rq_app, beta, "U") == 1

    # Once the job is done, the same job_id may run again.
    with acting(rq_app, alpha):
        enqueue(f"{TASKS}:make_serial", prefix="U", job_id="monthly-report")
    assert queue.job_ids == [f"t{alpha}-monthly-report"]
    work_burst(rq_app)
    assert serial_value(rq_app, alpha, "U") == 2
    assert Job.fetch(f"t{alpha}-monthly-report", connection=queue.connection).is_finished
