"""Core API: the caller, tokens, plugins, settings, users, roles and the audit log of the
tenant (``/api/v1/t/<tenant>/…``).

Every route goes through :func:`core.api.routes.api_route`, so its input is validated, its
output serialized and the route documented in ``/api/v1/openapi.json``. The logic lives in
:mod:`core.auth.members`, :mod:`core.auth.tokens` and :mod:`core.plugins.enablement`,
shared with the admin pages. An id of another tenant's row is invisible in the scoped
session and answers 404; so does a token of another user without ``core.manage_tokens``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import abort, g
from marshmallow import INCLUDE, Schema, fields, validate
from sqlalchemy import select

from core.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, keyset_page
from core.api.problem import problem
from core.api.routes import api_route
from core.audit.models import AuditEntry
from core.auth import members
from core.auth.models import ApiToken, Membership, Role
from core.auth.tokens import revoke_token
from core.db import db
from core.plugins import enablement
from core.plugins.manager import PluginError, enabled_plugins, host
from core.routing import tenant_blueprint

bp = tenant_blueprint("core_api", __name__, kind="api")


@bp.errorhandler(members.AdminConflict)
def _conflict(exc: members.AdminConflict):
    return problem(409, exc.message)


@bp.errorhandler(PluginError)
def _plugin_conflict(exc: PluginError):
    return problem(409, str(exc))


# -- schemas ----------------------------------------------------------------------------


class UtcDateTime(fields.DateTime):
    """Stored times are UTC; SQLite hands them back naive, so say so on the way out."""

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> Any:
        if isinstance(value, datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return super()._serialize(value, attr, obj, **kwargs)


class CursorQuery(Schema):
    cursor = fields.String(validate=validate.Length(max=500), metadata={"description": "游标"})
    limit = fields.Integer(
        load_default=DEFAULT_LIMIT,
        validate=validate.Range(min=1, max=MAX_LIMIT),
        metadata={"description": "每页条数"},
    )


class UserBrief(Schema):
    id = fields.Integer()
    username = fields.String()
    display_name = fields.String()


class RoleBrief(Schema):
    id = fields.Integer()
    key = fields.String()
    title = fields.String()


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


class ApiTokenOut(Schema):
    id = fields.Integer()
    name = fields.String()
    prefix = fields.String(metadata={"description": "令牌开头几位，便于辨认"})
    user = fields.Nested(UserBrief)
    created_at = UtcDateTime()
    expires_at = UtcDateTime(allow_none=True)
    revoked_at = UtcDateTime(allow_none=True)
    last_used_at = UtcDateTime(allow_none=True)
    active = fields.Function(members.token_is_active, dump_only=True)


class ApiTokenCreatedOut(ApiTokenOut):
    token = fields.String(attribute="plaintext", metadata={"description": "令牌明文，只显示这一次"})


class ApiTokenIn(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=60))
    lifetime_days = fields.Integer(
        strict=True,
        load_default=members.TOKEN_DEFAULT_DAYS,
        validate=validate.Range(min=members.TOKEN_MIN_DAYS, max=members.TOKEN_MAX_DAYS),
    )


class ApiTokenQuery(CursorQuery):
    active = fields.Boolean(metadata={"description": "只看有效（true）或失效（false）的"})


class PluginOut(Schema):
    name = fields.String()
    title = fields.String()
    title_en = fields.String()
    version = fields.String()
    description = fields.String()
    depends_on = fields.List(fields.String())
    enabled = fields.Boolean()


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


class MembershipOut(Schema):
    id = fields.Integer()
    user = fields.Nested(UserBrief)
    title = fields.String(allow_none=True)
    active = fields.Boolean(attribute="is_active")
    roles = fields.List(fields.Nested(RoleBrief))
    created_at = UtcDateTime()


class MembershipQuery(CursorQuery):
    active = fields.Boolean()
    role = fields.String(validate=validate.Length(max=60), metadata={"description": "角色 key"})
    q = fields.String(
        validate=validate.Length(max=40), metadata={"description": "用户名或姓名包含"}
    )


class MembershipIn(Schema):
    username = fields.String(required=True, validate=validate.Regexp(members.USERNAME_PATTERN))
    display_name = fields.String(
        validate=validate.Length(min=1, max=50), metadata={"description": "新用户必填"}
    )
    password = fields.String(
        validate=validate.Length(min=members.PASSWORD_MIN, max=members.PASSWORD_MAX),
        load_only=True,
        metadata={"description": "新用户的初始密码，必填"},
    )
    roles = fields.List(
        fields.String(validate=validate.Length(min=1, max=60)),
        required=True,
        validate=validate.Length(max=50),
    )
    title = fields.String(allow_none=True, validate=validate.Length(max=50))


class MembershipPatch(Schema):
    roles = fields.List(
        fields.String(validate=validate.Length(min=1, max=60)), validate=validate.Length(max=50)
    )
    title = fields.String(allow_none=True, validate=validate.Length(max=50))
    active = fields.Boolean()


class PasswordIn(Schema):
    password = fields.String(
        required=True,
        load_only=True,
        validate=validate.Length(min=members.PASSWORD_MIN, max=members.PASSWORD_MAX),
    )


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


class AuditQuery(CursorQuery):
    action = fields.String(validate=validate.Length(max=80), metadata={"description": "前缀"})
    object_type = fields.String(validate=validate.Length(max=60))
    object_id = fields.String(validate=validate.Length(max=60))
    actor = fields.Integer(metadata={"description": "操作人用户 id"})


class AuditEntryOut(Schema):
    seq = fields.Integer()
    at = UtcDateTime()
    actor_id = fields.Integer(allow_none=True)
    actor_name = fields.String()
    action = fields.String()
    object_type = fields.String(allow_none=True)
    object_id = fields.String(allow_none=True)
    detail = fields.Dict()
    ip = fields.String(allow_none=True)


# -- the caller -------------------------------------------------------------------------


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


# -- tokens -----------------------------------------------------------------------------


@api_route(
    bp,
    "/tokens",
    summary="接口令牌列表（本人的；有 core.manage_tokens 权限则为全单位的）",
    query=ApiTokenQuery,
    response=ApiTokenOut,
    paginated=True,
)
def list_tokens(query):
    stmt = members.tokens_query(g.actor, active=query.get("active"))
    return keyset_page(stmt, [ApiToken.id], cursor=query.get("cursor"), limit=query["limit"])


@api_route(
    bp,
    "/tokens",
    methods=["POST"],
    summary="为自己创建接口令牌（明文只返回这一次）",
    body=ApiTokenIn,
    response=ApiTokenCreatedOut,
    status=201,
)
def create_token(body):
    token, plaintext = members.issue_token(g.actor, body["name"], body["lifetime_days"])
    token.plaintext = plaintext  # not a column: shown in this response only
    return token


@api_route(
    bp,
    "/tokens/<int:token_id>",
    methods=["DELETE"],
    summary="吊销令牌（本人的；有 core.manage_tokens 权限则为任意的）",
    status=204,
)
def revoke(token_id: int):
    token = members.visible_token(g.actor, token_id) or abort(404)
    revoke_token(token)


# -- plugins ----------------------------------------------------------------------------


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
    permission="core.manage_plugins",
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
    permission="core.manage_plugins",
)
def disable_plugin(name: str):
    enablement.disable(g.tenant, _known_plugin(name))
    return _plugin_out(name)


# -- settings ---------------------------------------------------------------------------


def _settings_plugin(plugin: str) -> str:
    """Core, or a plugin this tenant enables that has settings; anything else is 404."""
    if plugin not in members.settings_plugins(g.tenant):
        abort(404)
    return plugin


@api_route(
    bp,
    "/settings/<plugin>",
    summary="模块设置：生效值、本单位的值及其来源（plugin 可为 core）",
    response=SettingsOut,
)
def get_settings(plugin: str):
    return members.settings_view(g.tenant, _settings_plugin(plugin))


@api_route(
    bp,
    "/settings/<plugin>",
    methods=["PATCH"],
    summary="修改本单位的模块设置（值为 null 则恢复继承）",
    body=SettingsPatch,
    response=SettingsOut,
    permission="core.manage_settings",
)
def patch_settings(plugin: str, body):
    return members.change_settings(g.tenant, _settings_plugin(plugin), body)


# -- users ------------------------------------------------------------------------------


def _membership(membership_id: int) -> Membership:
    return db.session.get(Membership, membership_id) or abort(404)


@api_route(
    bp,
    "/users",
    summary="本单位的用户（成员资格、用户信息与角色）",
    query=MembershipQuery,
    response=MembershipOut,
    paginated=True,
    permission="core.manage_users",
)
def list_users(query):
    stmt = members.memberships_query(
        active=query.get("active"), role=query.get("role"), q=query.get("q")
    )
    return keyset_page(
        stmt,
        [Membership.id],
        cursor=query.get("cursor"),
        limit=query["limit"],
        descending=False,
    )


@api_route(
    bp,
    "/users",
    methods=["POST"],
    summary="添加用户：已有用户名直接加入，新用户需姓名与初始密码",
    body=MembershipIn,
    response=MembershipOut,
    status=201,
    permission="core.manage_users",
)
def add_user(body):
    return members.add_member(**body)


@api_route(
    bp,
    "/users/<int:membership_id>",
    methods=["PATCH"],
    summary="修改成员的角色、职务或状态",
    body=MembershipPatch,
    response=MembershipOut,
    permission="core.manage_users",
)
def patch_user(membership_id: int, body):
    return members.update_member(g.actor, _membership(membership_id), **body)


@api_route(
    bp,
    "/users/<int:membership_id>",
    methods=["DELETE"],
    summary="移出本单位（停用成员资格）",
    status=204,
    permission="core.manage_users",
)
def remove_user(membership_id: int):
    members.deactivate_member(g.actor, _membership(membership_id))


@api_route(
    bp,
    "/users/<int:membership_id>/password",
    methods=["POST"],
    summary="重置成员密码（仅限只属于本单位的用户）",
    body=PasswordIn,
    status=204,
    permission="core.manage_users",
)
def reset_password(membership_id: int, body):
    members.reset_password(_membership(membership_id), body["password"])


# -- roles ------------------------------------------------------------------------------


def _role_out(role: Role, declared: dict[str, members.PermissionInfo]) -> dict[str, Any]:
    meta = host().metas.get(role.plugin or "")
    return {
        "id": role.id,
        "key": role.key,
        "title": role.title,
        "plugin": role.plugin,
        "plugin_title": meta.title if meta else None,
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
    permission="core.manage_users",
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
    permission="core.manage_users",
)
def patch_role(role_id: int, body):
    role = db.session.get(Role, role_id) or abort(404)
    members.update_role(g.actor, role, **body)
    return _role_out(role, _declared())


# -- audit ------------------------------------------------------------------------------


@api_route(
    bp,
    "/audit",
    summary="本单位的审计日志（按动作前缀、对象、操作人筛选）",
    query=AuditQuery,
    response=AuditEntryOut,
    paginated=True,
    permission="core.view_audit",
)
def audit(query):
    filters = {k: query.get(k) for k in ("action", "object_type", "object_id", "actor")}
    stmt = members.audit_query(**filters)
    return keyset_page(stmt, [AuditEntry.seq], cursor=query.get("cursor"), limit=query["limit"])
