"""The runner re-enters the job's tenant, acts as its user, refuses it where its plugin is
off, and makes one transaction of each attempt (inline backend, SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from flask import Flask

from core.db import db
from core.jobs import enqueue
from core.jobs.dispatch import JobCall
from core.jobs.runner import run, run_with_retries
from core.plugins import enablement
from core.serials import next_serial
from core.tenancy.models import Tenant
from core.tenancy.scope import NoTenantScope
from tests.core.jobs import tasks
from tests.core.jobs.helpers import acting, audit_entries, serial_value
from tests.factories import Factory

TASKS = "tests.core.jobs.tasks"


def _two_tenants(app: Flask, alpha: tuple[str, ...] = (), beta: tuple[str, ...] = ()):
    factory = Factory(app)
    a = factory.tenant("alpha", plugins=list(alpha))
    b = factory.tenant("beta", plugins=list(beta))
    return a, b, factory.user("alpha", "alice"), factory.user("beta", "bob")


def test_a_job_writes_into_its_tenant_as_the_user_who_enqueued_it(jobs_app):
    alpha, beta, alice, _bob = _two_tenants(jobs_app)
    with acting(jobs_app, alpha, alice.user_id):
        next_serial("TX")
        call = enqueue(f"{TASKS}:make_serial", prefix="JOB")
        db.session.commit()

    assert (call.tenant_id, call.user_id, call.plugin) == (alpha, alice.user_id, None)
    assert [
        {
            "job": "make_serial",
            "tenant": alpha,
            "user": alice.user_id,
            "serial": tasks.RAN[0]["serial"],
        }
    ] == tasks.RAN
    assert serial_value(jobs_app, alpha, "JOB") == 1
    assert serial_value(jobs_app, beta, "JOB") is None
    [entry] = audit_entries(jobs_app, alpha)
    assert (entry.actor_id, entry.actor_name) == (alice.user_id, "alice")
    assert audit_entries(jobs_app, beta) == []


def test_a_job_may_be_sent_to_another_tenant_explicitly(jobs_app):
    alpha, beta, alice, _bob = _two_tenants(jobs_app)
    with acting(jobs_app, alpha, alice.user_id):
        enqueue(f"{TASKS}:make_serial", tenant_id=beta, prefix="FWD")
    assert serial_value(jobs_app, beta, "FWD") == 1
    assert serial_value(jobs_app, alpha, "FWD") is None


def test_a_platform_job_runs_with_no_tenant_whatever_the_callers_scope(jobs_app):
    alpha, _beta, alice, _bob = _two_tenants(jobs_app)
    with acting(jobs_app, alpha, alice.user_id):
        call = enqueue(f"{TASKS}:platform_probe", platform=True)
    assert call.tenant_id is None
    assert [{"job": "platform_probe", "tenant": None, "user": alice.user_id}] == tasks.RAN


def test_a_job_of_a_plugin_runs_only_where_the_plugin_is_enabled(jobs_app):
    alpha, beta, _alice, _bob = _two_tenants(jobs_app, alpha=("petitions",), beta=("reporting",))
    for tenant_id in (alpha, beta):
        with acting(jobs_app, tenant_id):
            enqueue(f"{TASKS}:make_serial", plugin="petitions", prefix="PET")
    assert serial_value(jobs_app, alpha, "PET") == 1
    assert serial_value(jobs_app, beta, "PET") is None
    assert [note["tenant"] for note in tasks.RAN] == [alpha]


def test_a_plugins_job_is_known_as_its_own_and_refused_once_disabled(jobs_app):
    alpha, beta, _alice, _bob = _two_tenants(jobs_app, alpha=("testjobs",), beta=("testjobs",))
    with jobs_app.app_context():
        enablement.disable(db.session.get(Tenant, beta), "testjobs")
        db.session.commit()
    for tenant_id in (alpha, beta):
        with acting(jobs_app, tenant_id):
            call = enqueue("tests.core.jobs.testjobs.jobs:make_serial", prefix="PLG")
            assert call.plugin == "testjobs"  # found from the module, not passed
    assert serial_value(jobs_app, alpha, "PLG") == 1
    assert serial_value(jobs_app, beta, "PLG") is None


def test_a_job_of_an_inactive_tenant_is_refused(jobs_app):
    alpha, _beta, _alice, _bob = _two_tenants(jobs_app)
    with jobs_app.app_context():
        db.session.get(Tenant, alpha).is_active = False
        db.session.commit()
    assert run(jobs_app, JobCall(f"{TASKS}:make_serial", alpha, None, None, {})) is None
    assert tasks.RAN == []


def test_the_job_acts_with_its_users_permissions_and_scheduled_jobs_as_the_system(jobs_app):
    alpha, _beta, alice, bob = _two_tenants(jobs_app)
    factory = Factory(jobs_app)
    carol = factory.user("alpha", "carol", roles=["staff"])
    path = f"{TASKS}:check_actor"
    for user_id in (alice.user_id, carol.user_id, bob.user_id, None):
        run(jobs_app, JobCall(path, alpha, None, user_id, {"permission": "core.view_audit"}))
    # admin may; staff may not; bob is no member of alpha; no user: the system
    assert [note["allowed"] for note in tasks.RAN] == [True, False, False, True]


def test_a_failed_attempt_leaves_nothing_and_the_retry_succeeds(jobs_app):
    alpha, _beta, _alice, _bob = _two_tenants(jobs_app)
    waits: list[float] = []
    call = JobCall(
        f"{TASKS}:flaky", alpha, None, None, {"prefix": "FL", "failures": 2, "name": "x"}
    )

    result = run_with_retries(jobs_app, call, sleep=waits.append)

    assert result == tasks.RAN[0]["serial"]
    assert tasks.ATTEMPTS["x"] == 3
    assert waits == [5, 5]  # RQ's 10 s and 60 s, capped in-process
    assert serial_value(jobs_app, alpha, "FL") == 1  # the failed attempts rolled back


def test_a_job_failing_every_attempt_gives_up_after_the_retries(jobs_app):
    alpha, _beta, _alice, _bob = _two_tenants(jobs_app)
    waits: list[float] = []
    call = JobCall(
        f"{TASKS}:flaky", alpha, None, None, {"prefix": "FL", "failures": 9, "name": "y"}
    )
    assert run_with_retries(jobs_app, call, sleep=waits.append) is None
    assert tasks.ATTEMPTS["y"] == 4
    assert waits == [5, 5, 5]
    assert serial_value(jobs_app, alpha, "FL") is None


def test_the_inline_backend_retries_without_waiting(jobs_app):
    alpha, _beta, _alice, _bob = _two_tenants(jobs_app)
    with acting(jobs_app, alpha):
        enqueue(f"{TASKS}:flaky", prefix="FL", failures=2, name="z")
    assert tasks.ATTEMPTS["z"] == 3
    assert serial_value(jobs_app, alpha, "FL") == 1


def test_a_job_enqueued_by_a_job_goes_out_only_if_the_parent_commits(jobs_app):
    alpha, _beta, alice, _bob = _two_tenants(jobs_app)
    with acting(jobs_app, alpha, alice.user_id):
        enqueue(f"{TASKS}:enqueue_child", prefix="CHILD")
        enqueue(f"{TASKS}:enqueue_child", prefix="ORPHAN", fail=True)
    assert serial_value(jobs_app, alpha, "CHILD") == 1
    assert serial_value(jobs_app, alpha, "ORPHAN") is None  # its parent never committed
    child = next(note for note in tasks.RAN if note["job"] == "make_serial")
    assert (child["tenant"], child["user"]) == (alpha, alice.user_id)


def test_enqueue_refuses_what_a_worker_could_not_run(jobs_app):
    alpha, _beta, _alice, _bob = _two_tenants(jobs_app)
    with acting(jobs_app, alpha):
        tenant = db.session.get(Tenant, alpha)
        with pytest.raises(ValueError, match="not 'package.module:function'"):
            enqueue(f"{TASKS}.make_serial")
        with pytest.raises(ModuleNotFoundError):
            enqueue("tests.core.jobs.nowhere:job")
        with pytest.raises(TypeError, match="JSON values"):
            enqueue(f"{TASKS}:make_serial", prefix=tenant)
        with pytest.raises(ValueError, match="job_id"):
            enqueue(f"{TASKS}:make_serial", job_id="export:5")
        with pytest.raises(ValueError, match="no tenant_id"):
            enqueue(f"{TASKS}:platform_probe", platform=True, tenant_id=alpha)
    with jobs_app.app_context(), pytest.raises(NoTenantScope):
        enqueue(f"{TASKS}:make_serial")
    assert tasks.RAN == []
