"""A throwaway plugin for the job tests: periodic jobs, and API routes that enqueue."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, jsonify, request

from core.jobs import enqueue
from core.plugins import hookimpl
from core.plugins.types import PeriodicJob, PluginMeta
from core.routing import tenant_blueprint
from core.serials import next_serial
from tests.core.jobs import tasks

NAME = "testjobs"


@hookimpl
def zugong_plugin_meta() -> PluginMeta:
    return PluginMeta(NAME, "测试任务", "Test jobs", "0.0.1")


@hookimpl
def zugong_periodic_jobs() -> list[PeriodicJob]:
    return [
        PeriodicJob(
            "testjobs.tenant_scan",
            "tests.core.jobs.testjobs.jobs:scan",
            timedelta(hours=1),
            scope="tenant",
        ),
        PeriodicJob(
            "testjobs.platform_scan",
            "tests.core.jobs.testjobs.jobs:platform_scan",
            timedelta(minutes=10),
        ),
    ]


@hookimpl
def zugong_blueprints() -> list[Blueprint]:
    bp = tenant_blueprint("testjobs_api", __name__, kind="api", plugin=NAME, prefix="/testjobs")

    @bp.post("/serial")
    def serial():
        """Enqueue a job, write a row of the request's own, then succeed or fail."""
        data = request.get_json(silent=True) or {}
        enqueue("tests.core.jobs.tasks:make_serial", prefix="REQ")
        backend = current_app.extensions["zugong.jobs"]
        seen = {
            "ran": len(tasks.RAN),
            "queued": backend.queue.count if hasattr(backend, "queue") else None,
        }
        next_serial("OWN")
        if data.get("outcome") == "raise":
            raise RuntimeError("the view fails after enqueueing")
        return jsonify(seen), (422 if data.get("outcome") == "error" else 200)

    return [bp]
