"""``core.plugins.declare.declare_hooks`` binds a plugin's five opening hooks where
pluggy finds them: the host answers with the plugin's meta, permissions, roles, a fresh
settings schema and its blueprints, exactly as if they had been written out."""

from __future__ import annotations

import types

from flask import Blueprint
from marshmallow import Schema, fields

from core.plugins.declare import declare_hooks
from core.plugins.manager import PluginHost
from core.plugins.types import PermissionDef, PluginMeta, RoleDef

PERMISSION = PermissionDef("declared.use", "使用")
ROLE = RoleDef("declared_clerk", "干事", ("declared.use",))
PAGES = Blueprint("declared", __name__)


class DeclaredSettings(Schema):
    limit = fields.Integer(load_default=3)


def _host() -> PluginHost:
    module = types.ModuleType("declared")
    declare_hooks(
        vars(module),
        PluginMeta("declared", "申报", "Declared", "1"),
        [PERMISSION],
        [ROLE],
        DeclaredSettings,
        [PAGES],
    )
    host = PluginHost()
    host.load(types.ModuleType("core_stub"), extra=[("declared", module)])
    return host


def test_the_host_answers_every_declared_hook():
    host = _host()
    assert host.call_one("declared", "zugong_plugin_meta").title_en == "Declared"
    assert host.call_one("declared", "zugong_blueprints") == [PAGES]
    assert host.permissions()["declared.use"] == ("declared", PERMISSION)
    assert host.default_roles("declared") == [ROLE]


def test_each_call_gets_its_own_schema_and_lists():
    host = _host()
    first = host.call_one("declared", "zugong_settings_schema")
    assert isinstance(first, DeclaredSettings)
    assert first is not host.call_one("declared", "zugong_settings_schema")
    host.call_one("declared", "zugong_blueprints").clear()
    assert host.call_one("declared", "zugong_blueprints") == [PAGES]
