"""A small plugin used by the tests: a page, an API route, a permission, navigation, a
to-do item, settings and a dependency on a real plugin."""

from __future__ import annotations

from flask import g, jsonify
from marshmallow import Schema, fields, validate

from core.plugins import hookimpl
from core.plugins.types import NavItem, PermissionDef, PluginMeta, RoleDef, TodoItem
from core.routing import tenant_blueprint

pages = tenant_blueprint("sample", __name__, kind="pages", plugin="sample", prefix="/sample")
api = tenant_blueprint("sample_api", __name__, kind="api", plugin="sample", prefix="/sample")


@pages.get("/")
def index():
    return f"sample page of {g.tenant.slug}"


@api.get("/ping")
def ping():
    return jsonify(tenant=g.tenant.slug, can_use=g.actor.can("sample.use"))


class SampleSettings(Schema):
    threshold = fields.Integer(load_default=10, validate=validate.Range(min=0, max=100))
    label = fields.String(load_default="默认")


@hookimpl
def zugong_plugin_meta():
    return PluginMeta("sample", "示例", "Sample", "9.9.9", depends_on=("assistance",))


@hookimpl
def zugong_blueprints():
    return [pages, api]


@hookimpl
def zugong_permissions():
    return [PermissionDef("sample.use", "使用示例")]


@hookimpl
def zugong_default_roles():
    return [RoleDef("sample_user", "示例用户", ("sample.use",))]


@hookimpl
def zugong_settings_schema():
    return SampleSettings()


@hookimpl
def zugong_nav_items(tenant, actor):
    return [NavItem("示例", "sample.index", order=50)]


@hookimpl
def zugong_todo_items(tenant, actor):
    return [TodoItem("示例待办", "/", plugin="sample", light="red")]
