"""Hook implementations are reached only through pluggy: a function that is not marked
``@hookimpl`` is not a hook implementation, whoever asks (one plugin's settings, every
plugin's permissions, the scheduler's periodic jobs)."""

from __future__ import annotations

import types
from datetime import timedelta

from flask import Flask

from core.jobs.scheduler import Scheduler
from core.plugins import hookimpl
from core.plugins.manager import PluginHost
from core.plugins.types import PeriodicJob, PermissionDef, PluginMeta

JOB = PeriodicJob("marked.scan", "marked:scan", timedelta(hours=1))


def _plugin(name: str, *, marked: bool) -> types.ModuleType:
    wrap = hookimpl if marked else (lambda f: f)
    module = types.ModuleType(name)
    module.zugong_plugin_meta = hookimpl(lambda: PluginMeta(name, name, name, "1"))
    module.zugong_permissions = wrap(lambda: [PermissionDef(f"{name}.use", "使用")])
    module.zugong_periodic_jobs = wrap(lambda: [JOB])
    module.zugong_settings_schema = wrap(lambda: "schema")
    return module


def _host() -> PluginHost:
    host = PluginHost()
    host.load(
        types.ModuleType("core_stub"),
        extra=[("marked", _plugin("marked", marked=True)), ("bare", _plugin("bare", marked=False))],
    )
    return host


def test_one_plugins_hook_answers_only_if_marked():
    host = _host()
    assert host.call_one("marked", "zugong_settings_schema") == "schema"
    assert host.call_one("bare", "zugong_settings_schema") is None


def test_permissions_come_from_marked_implementations_only():
    declared = _host().permissions()
    assert "marked.use" in declared and "bare.use" not in declared


def test_the_scheduler_finds_marked_periodic_jobs_only():
    app = Flask(__name__)
    app.extensions["zugong.plugins"] = _host()
    jobs = Scheduler(app).jobs()
    assert ("marked", JOB) in jobs
    assert "bare" not in {plugin for plugin, _job in jobs}
