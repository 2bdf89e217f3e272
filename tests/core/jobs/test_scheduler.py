"""Periodic jobs: once per slot, per-tenant jobs to the tenants enabling their plugin,
platform jobs once, and one dispatch per slot however many schedulers share a Redis."""

from __future__ import annotations

from core.db import db
from core.jobs.scheduler import Scheduler
from core.plugins import enablement
from core.tenancy.models import Tenant
from tests.core.jobs import tasks
from tests.core.jobs.helpers import queue_of, serial_value
from tests.factories import Factory

HOUR = 3600
NOW = 6 * HOUR * 83_334.0  # on a 6-hour boundary, so every job's slot starts here
SCAN = "tests.core.jobs.testjobs.jobs:scan"
PLATFORM_SCAN = "tests.core.jobs.testjobs.jobs:platform_scan"
PURGE = "core.auth.login:purge_old_attempts"  # core's own, every 6 hours
PURGE_OCCASIONS = "core.jobs.maintenance:purge_old_occasions"  # core's own, daily
PURGE_OUTBOX = "core.jobs.outbox:purge_sent"  # core's own, daily
#: core's own, every 6 hours, in each active tenant (统计报表上报 reminders)
REMIND = "core.rounds.service:remind_late"
CORE_JOBS = {PURGE, PURGE_OCCASIONS, PURGE_OUTBOX, REMIND}


def _tenants(app) -> dict[str, int]:
    """a, b enable testjobs; c does not; d disabled it; e enables it but is inactive."""
    factory = Factory(app)
    ids = {
        "a": factory.tenant("a", plugins=["testjobs"]),
        "b": factory.tenant("b", plugins=["testjobs"]),
        "c": factory.tenant("c", plugins=["petitions"]),
        "d": factory.tenant("d", plugins=["testjobs"]),
        "e": factory.tenant("e", plugins=["testjobs"]),
    }
    with app.app_context():
        enablement.disable(db.session.get(Tenant, ids["d"]), "testjobs")
        db.session.get(Tenant, ids["e"]).is_active = False
        db.session.commit()
    return ids


def _ours(calls) -> list:
    """Core's jobs and the test plugin's: installed plugins (petitions…) schedule their own."""
    return [c for c in calls if c.plugin in (None, "testjobs")]


def _sent(calls) -> list[tuple[str, int | None]]:
    return sorted(((c.path, c.tenant_id) for c in _ours(calls)), key=str)


def _queued(queue) -> list:
    return [job for job in queue.jobs if job.args[0]["plugin"] in (None, "testjobs")]


def test_each_job_goes_out_once_per_slot_to_the_tenants_enabling_its_plugin(jobs_app):
    t = _tenants(jobs_app)
    scheduler = Scheduler(jobs_app)

    first = scheduler.tick(NOW)

    assert _sent(first) == sorted(
        [
            (SCAN, t["a"]),
            (SCAN, t["b"]),
            (PLATFORM_SCAN, None),
            (PURGE, None),
            (PURGE_OCCASIONS, None),
            (PURGE_OUTBOX, None),
            *((REMIND, t[slug]) for slug in "abcd"),  # every active tenant, not e
        ],
        key=str,
    )
    assert {c.plugin for c in _ours(first) if c.path not in CORE_JOBS} == {"testjobs"}
    assert [c.user_id for c in _ours(first)] == [None] * 10
    # The inline backend ran them: the tenant scans wrote into their own tenants.
    assert sorted(n["tenant"] for n in tasks.RAN if n["job"] == "scan") == [t["a"], t["b"]]
    assert [n["tenant"] for n in tasks.RAN if n["job"] == "platform_scan"] == [None]
    assert serial_value(jobs_app, t["a"], "SCAN") == 1
    assert serial_value(jobs_app, t["c"], "SCAN") is None

    assert _ours(scheduler.tick(NOW + 1)) == []
    assert _ours(scheduler.tick(NOW + 599)) == []  # still the same slot of every job
    # Ten minutes on: only the ten-minute job has a new slot.
    assert _sent(scheduler.tick(NOW + 600)) == [(PLATFORM_SCAN, None)]
    # An hour on: the hourly scan again (the platform job's slot changed too).
    assert _sent(scheduler.tick(NOW + HOUR)) == sorted(
        [(SCAN, t["a"]), (SCAN, t["b"]), (PLATFORM_SCAN, None)], key=str
    )
    assert serial_value(jobs_app, t["a"], "SCAN") == 2


def test_two_schedulers_sharing_redis_dispatch_a_slot_once(rq_app):
    t = _tenants(rq_app)
    one, two = Scheduler(rq_app), Scheduler(rq_app)

    first = one.tick(NOW)
    second = two.tick(NOW)

    assert len(_ours(first)) == 10
    assert second == []
    queue = queue_of(rq_app)
    assert len(_queued(queue)) == 10
    assert {job.args[0]["tenant_id"] for job in _queued(queue)} == {
        t["a"],
        t["b"],
        t["c"],
        t["d"],
        None,
    }
    assert tasks.RAN == []  # queued, not run here

    assert _sent(two.tick(NOW + HOUR)) == sorted(
        [(SCAN, t["a"]), (SCAN, t["b"]), (PLATFORM_SCAN, None)], key=str
    )
    assert one.tick(NOW + HOUR) == []
    assert len(_queued(queue)) == 13
