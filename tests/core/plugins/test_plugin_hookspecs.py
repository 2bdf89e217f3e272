"""A plugin may declare hooks of its own (its ``hookspecs`` attribute) that other plugins
implement — the way the petitions plugin offers escalation to supervision."""

from __future__ import annotations

import types

import pytest
from pluggy import PluginValidationError

from core.plugins import hookimpl
from core.plugins.hookspecs import hookspec
from core.plugins.manager import PluginHost
from core.plugins.types import PluginMeta


def _module(name: str, **attrs: object) -> types.ModuleType:
    module = types.ModuleType(name)
    module.__dict__.update(attrs)
    return module


@hookspec(firstresult=True)
def zugong_sample_greeting(who: str) -> str:
    """A hook the declaring plugin calls."""


SPECS = _module("specs", zugong_sample_greeting=zugong_sample_greeting)


def _declaring() -> types.ModuleType:
    return _module(
        "declaring",
        hookspecs=SPECS,
        zugong_plugin_meta=hookimpl(lambda: PluginMeta("declaring", "声明", "Declaring", "1")),
    )


def _implementing(impl) -> types.ModuleType:
    return _module(
        "implementing",
        zugong_plugin_meta=hookimpl(
            lambda: PluginMeta("implementing", "实现", "Implementing", "1")
        ),
        zugong_sample_greeting=hookimpl(impl),
    )


def test_a_hook_declared_by_one_plugin_reaches_the_implementation_of_another() -> None:
    host = PluginHost()
    host.load(
        _module("core_stub"),
        extra=[
            ("implementing", _implementing(lambda who: f"你好，{who}")),
            ("declaring", _declaring()),
        ],
    )

    assert host.hook_for(["implementing", "declaring"]).zugong_sample_greeting(who="张三") == (
        "你好，张三"
    )
    assert host.hook_for(["declaring"]).zugong_sample_greeting(who="张三") is None


def test_an_implementation_with_the_wrong_arguments_is_refused_at_start_up() -> None:
    host = PluginHost()
    with pytest.raises(PluginValidationError):
        host.load(
            _module("core_stub"),
            extra=[
                ("implementing", _implementing(lambda who, extra: who)),
                ("declaring", _declaring()),
            ],
        )
