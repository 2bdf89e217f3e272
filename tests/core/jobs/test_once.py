"""``once(key)``: an occasion is handled once per tenant, and a rollback frees it again."""

from __future__ import annotations

from core.db import db
from core.jobs import enqueue, once
from tests.core.jobs.helpers import acting, serial_value
from tests.factories import Factory


def test_once_is_true_once_per_tenant_and_key_and_free_again_after_a_rollback(jobs_app):
    factory = Factory(jobs_app)
    alpha, beta = factory.tenant("alpha"), factory.tenant("beta")

    with acting(jobs_app, alpha):
        assert once("reminder:2026-05")
        assert not once("reminder:2026-05")  # again, in the same transaction
        assert once("reminder:2026-06")
    with acting(jobs_app, alpha):
        assert not once("reminder:2026-05")  # committed: taken for good
        assert once("rolled-back")
        db.session.rollback()
        assert once("rolled-back")  # the rollback gave it back
    with acting(jobs_app, beta):
        assert once("reminder:2026-05")  # another tenant's occasion is its own


def test_a_job_run_twice_for_one_occasion_does_its_work_once(jobs_app):
    alpha = Factory(jobs_app).tenant("alpha")
    with acting(jobs_app, alpha):
        for _ in range(3):
            enqueue("tests.core.jobs.tasks:claim", key="notice:42", prefix="NOTICE")
    assert serial_value(jobs_app, alpha, "NOTICE") == 1
