"""``/settings/<plugin>``: a plugin's settings, where each value comes from, and changes
to this tenant's own layer (``plugin`` may be ``core``)."""

from __future__ import annotations

from flask import abort, g
from marshmallow import INCLUDE, Schema, fields

from core.api.routes import api_route
from core.permissions import MANAGE_SETTINGS
from core.plugins.settings_view import change_settings, settings_plugins, settings_view
from core.web.api.blueprint import bp


class SettingFieldOut(Schema):
    name = fields.String()
    title = fields.String()
    kind = fields.String()
    value = fields.Raw(allow_none=True, metadata={"description": "生效值"})
    own = fields.Raw(allow_none=True, metadata={"description": "本单位自己的值；继承时为空"})
    inherited = fields.Boolean()
    source = fields.String(metadata={"description": "tenant、ancestor、platform 或 default"})
    source_name = fields.String()


class SettingsOut(Schema):
    plugin = fields.String()
    settings = fields.Dict(metadata={"description": "逐层合并后的生效设置"})
    own = fields.Dict(metadata={"description": "本单位这一层的设置"})
    fields_ = fields.List(fields.Nested(SettingFieldOut), data_key="fields", attribute="fields")


class SettingsPatch(Schema):
    """Any of the plugin's settings; ``null`` returns a key to the inherited value."""

    class Meta:
        unknown = INCLUDE


def _settings_plugin(plugin: str) -> str:
    """Core, or a plugin this tenant enables that has settings; anything else is 404."""
    if plugin not in settings_plugins(g.tenant):
        abort(404)
    return plugin


@api_route(
    bp,
    "/settings/<plugin>",
    summary="模块设置：生效值、本单位的值及其来源（plugin 可为 core）",
    response=SettingsOut,
)
def get_settings(plugin: str):
    return settings_view(g.tenant, _settings_plugin(plugin))


@api_route(
    bp,
    "/settings/<plugin>",
    methods=["PATCH"],
    summary="修改本单位的模块设置（值为 null 则恢复继承）",
    body=SettingsPatch,
    response=SettingsOut,
    permission=MANAGE_SETTINGS,
)
def patch_settings(plugin: str, body):
    return change_settings(g.tenant, _settings_plugin(plugin), body)
