"""A job is queued when its transaction commits, and never when that transaction rolls
back (DESIGN.md, Jobs). Inline backend: TESTING apps run a job where it is queued."""

from __future__ import annotations

import pytest
from flask import Flask

from core.db import db
from core.jobs import enqueue
from core.serials import next_serial
from core.tenancy.scope import tenant_scope
from tests.core.jobs import tasks
from tests.core.jobs.helpers import acting, serial_value
from tests.factories import Factory, bearer

URL = "/api/v1/t/alpha/testjobs/serial"
MAKE_SERIAL = "tests.core.jobs.tasks:make_serial"


def _alpha(app: Flask) -> tuple[int, str]:
    factory = Factory(app)
    tenant_id = factory.tenant("alpha", plugins=["testjobs"])
    return tenant_id, factory.token(factory.user("alpha", "alice"))


def _prefixes() -> list[str]:
    return [note["serial"].split("-")[0] for note in tasks.RAN if "serial" in note]


def test_a_job_enqueued_in_a_request_runs_once_the_request_commits(jobs_app):
    tenant_id, token = _alpha(jobs_app)

    response = jobs_app.test_client().post(URL, json={}, headers=bearer(token))

    assert response.status_code == 200
    assert response.json["ran"] == 0  # the view went on; the job had not run
    assert [note["job"] for note in tasks.RAN] == ["make_serial"]
    assert serial_value(jobs_app, tenant_id, "REQ") == 1
    assert serial_value(jobs_app, tenant_id, "OWN") == 1  # the request's own write


@pytest.mark.parametrize(("outcome", "status"), [("error", 422), ("raise", 500)])
def test_a_request_that_fails_queues_nothing(jobs_app, outcome, status):
    tenant_id, token = _alpha(jobs_app)
    client = jobs_app.test_client()

    response = client.post(URL, json={"outcome": outcome}, headers=bearer(token))

    assert response.status_code == status
    assert tasks.RAN == []
    assert serial_value(jobs_app, tenant_id, "REQ") is None
    assert serial_value(jobs_app, tenant_id, "OWN") is None
    # Nothing of the failed request lingers to go out with the next one.
    assert client.post(URL, json={}, headers=bearer(token)).status_code == 200
    assert len(tasks.RAN) == 1
    assert serial_value(jobs_app, tenant_id, "REQ") == 1


def test_outside_a_request_the_open_transaction_decides(jobs_app):
    tenant_id = Factory(jobs_app).tenant("alpha")
    with acting(jobs_app, tenant_id):
        next_serial("TX")  # a transaction is open
        enqueue(MAKE_SERIAL, prefix="ROLLED")
        db.session.rollback()
        assert tasks.RAN == []

        next_serial("TX")
        enqueue(MAKE_SERIAL, prefix="KEPT")
        assert tasks.RAN == []
        db.session.commit()
        assert _prefixes() == ["KEPT"]

        enqueue(MAKE_SERIAL, prefix="NOW")  # no transaction to wait for
        assert _prefixes() == ["KEPT", "NOW"]
    assert serial_value(jobs_app, tenant_id, "ROLLED") is None


def test_in_a_request_with_no_transaction_yet_the_job_waits_for_the_commit(jobs_app):
    tenant_id = Factory(jobs_app).tenant("alpha")
    with jobs_app.test_request_context(), tenant_scope(tenant_id):
        assert not db.session().in_transaction()
        enqueue(MAKE_SERIAL, prefix="LATE")
        assert tasks.RAN == []  # the request's commit (core.app) will send it
        db.session.commit()
        assert _prefixes() == ["LATE"]


def test_savepoints_keep_or_drop_only_their_own_jobs(jobs_app):
    tenant_id = Factory(jobs_app).tenant("alpha")
    with acting(jobs_app, tenant_id):
        next_serial("TX")
        enqueue(MAKE_SERIAL, prefix="OUTER")
        with db.session.begin_nested():
            enqueue(MAKE_SERIAL, prefix="RELEASED")
        assert tasks.RAN == []  # a released savepoint is not a commit

        savepoint = db.session.begin_nested()
        enqueue(MAKE_SERIAL, prefix="DROPPED")
        savepoint.rollback()
        assert tasks.RAN == []

        db.session.commit()
    assert sorted(_prefixes()) == ["OUTER", "RELEASED"]
    assert serial_value(jobs_app, tenant_id, "DROPPED") is None


def test_a_savepoint_released_into_a_rolled_back_transaction_queues_nothing(jobs_app):
    tenant_id = Factory(jobs_app).tenant("alpha")
    with acting(jobs_app, tenant_id):
        next_serial("TX")
        with db.session.begin_nested():
            enqueue(MAKE_SERIAL, prefix="INNER")
        db.session.rollback()
        db.session.commit()
    assert tasks.RAN == []
