"""``/plugins``: the installed plugins, and enabling or disabling them for the tenant."""

from __future__ import annotations

from typing import Any

from flask import abort, g
from marshmallow import Schema, fields

from core.api.routes import api_route
from core.permissions import MANAGE_PLUGINS
from core.plugins import enablement
from core.plugins.manager import enabled_plugins, host
from core.web.api.blueprint import bp


class PluginOut(Schema):
    name = fields.String()
    title = fields.String()
    title_en = fields.String()
    version = fields.String()
    description = fields.String()
    depends_on = fields.List(fields.String())
    enabled = fields.Boolean()


def _plugin_out(name: str) -> dict[str, Any]:
    meta = host().metas[name]
    return {
        "name": meta.name,
        "title": meta.title,
        "title_en": meta.title_en,
        "version": meta.version,
        "description": meta.description,
        "depends_on": list(meta.depends_on),
        "enabled": name in enabled_plugins(g.tenant),
    }


def _known_plugin(name: str) -> str:
    if name not in host().metas:
        abort(404)
    return name


@api_route(
    bp, "/plugins", summary="已安装的功能模块及其在本单位的启用状态", response=PluginOut, many=True
)
def list_plugins():
    return [_plugin_out(name) for name in host().names]


@api_route(
    bp,
    "/plugins/<name>/enable",
    methods=["POST"],
    summary="启用功能模块",
    response=PluginOut,
    permission=MANAGE_PLUGINS,
)
def enable_plugin(name: str):
    enablement.enable(g.tenant, _known_plugin(name))
    return _plugin_out(name)


@api_route(
    bp,
    "/plugins/<name>/disable",
    methods=["POST"],
    summary="停用功能模块（数据保留）",
    response=PluginOut,
    permission=MANAGE_PLUGINS,
)
def disable_plugin(name: str):
    enablement.disable(g.tenant, _known_plugin(name))
    return _plugin_out(name)
