"""``/roles``: the tenant's roles with their permissions, and changes to them."""

from __future__ import annotations

from typing import Any

from flask import abort, g
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from core.api.routes import api_route
from core.auth import members
from core.auth.models import Role
from core.db import db
from core.permissions import MANAGE_USERS
from core.plugins.manager import host
from core.web.api.blueprint import bp


class PermissionOut(Schema):
    key = fields.String()
    title = fields.String()
    plugin = fields.String()
    sensitive = fields.Boolean()
    live = fields.Boolean(metadata={"description": "声明它的模块在本单位已启用"})


class RoleOut(Schema):
    id = fields.Integer()
    key = fields.String()
    title = fields.String()
    plugin = fields.String(allow_none=True, metadata={"description": "声明该角色的模块"})
    plugin_title = fields.String(allow_none=True)
    permissions = fields.List(fields.Nested(PermissionOut))


class RolePatch(Schema):
    title = fields.String(validate=validate.Length(min=1, max=60))
    permissions = fields.List(
        fields.String(validate=validate.Length(min=1, max=80)), validate=validate.Length(max=200)
    )


def _role_out(role: Role, declared: dict[str, members.PermissionInfo]) -> dict[str, Any]:
    meta = host().metas.get(role.plugin or "")
    return {
        "id": role.id,
        "key": role.key,
        "title": role.title,
        "plugin": role.plugin,
        "plugin_title": meta.localized_title() if meta else None,
        "permissions": [declared[p] for p in role.permissions or () if p in declared],
    }


def _declared() -> dict[str, members.PermissionInfo]:
    return {p.key: p for p in members.declared_permissions(g.tenant)}


@api_route(
    bp,
    "/roles",
    summary="本单位的角色及其权限（含声明角色的模块）",
    response=RoleOut,
    many=True,
    permission=MANAGE_USERS,
)
def list_roles():
    declared = _declared()
    roles = db.session.scalars(select(Role).order_by(Role.key)).all()
    return [_role_out(role, declared) for role in roles]


@api_route(
    bp,
    "/roles/<int:role_id>",
    methods=["PATCH"],
    summary="修改角色的名称或权限（权限须为已声明的）",
    body=RolePatch,
    response=RoleOut,
    permission=MANAGE_USERS,
)
def patch_role(role_id: int, body):
    role = db.session.get(Role, role_id) or abort(404)
    members.update_role(g.actor, role, **body)
    return _role_out(role, _declared())
