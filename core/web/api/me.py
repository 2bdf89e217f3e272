"""``/me``: the caller, their tenant, roles, permissions and the plugins enabled there."""

from __future__ import annotations

from flask import g
from marshmallow import Schema, fields

from core.api.routes import api_route
from core.plugins.manager import enabled_plugins, host
from core.web.api.blueprint import bp
from core.web.api.briefs import RoleBrief, UserBrief


class TenantBrief(Schema):
    slug = fields.String()
    name = fields.String()
    kind = fields.String()
    kind_title = fields.String()


class PluginBrief(Schema):
    name = fields.String()
    title = fields.String()
    title_en = fields.String()


class MeOut(Schema):
    user = fields.Nested(UserBrief)
    locale = fields.String(allow_none=True)
    tenant = fields.Nested(TenantBrief)
    membership_id = fields.Integer()
    title = fields.String(allow_none=True)
    roles = fields.List(fields.Nested(RoleBrief))
    permissions = fields.List(fields.String())
    plugins = fields.List(fields.Nested(PluginBrief))
    auth = fields.String(metadata={"description": "token 或 session"})


@api_route(bp, "/me", summary="当前用户、单位、角色、权限与已启用模块", response=MeOut)
def me():
    actor = g.actor
    return {
        "user": actor.user,
        "locale": actor.user.locale,
        "tenant": g.tenant,
        "membership_id": actor.membership.id,
        "title": actor.membership.title,
        "roles": actor.membership.roles,
        "permissions": sorted(actor.permissions),
        "plugins": [host().metas[name] for name in enabled_plugins(g.tenant)],
        "auth": g.get("auth_kind"),
    }
