"""``/users``: the tenant's members — listing, adding, changing, removing, and resetting
a member's password."""

from __future__ import annotations

from flask import abort, g, jsonify, make_response
from marshmallow import Schema, fields, validate

from core.api.fields import UtcDateTime
from core.api.pagination import CursorQuery, keyset_page
from core.api.routes import api_route
from core.auth import members
from core.auth.invitations import InvitationSent
from core.auth.models import Membership
from core.auth.passwords import validate_password
from core.db import db
from core.permissions import MANAGE_USERS
from core.web.api.blueprint import bp
from core.web.api.briefs import RoleBrief, UserBrief


class MembershipOut(Schema):
    id = fields.Integer()
    user = fields.Nested(UserBrief)
    title = fields.String(allow_none=True)
    active = fields.Boolean(attribute="is_active")
    org_unit_id = fields.Integer(allow_none=True, metadata={"description": "所在组织机构"})
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
        validate=validate_password,
        load_only=True,
        metadata={"description": "新用户的初始密码，必填"},
    )
    roles = fields.List(
        fields.String(validate=validate.Length(min=1, max=60)),
        required=True,
        validate=validate.Length(max=50),
    )
    title = fields.String(allow_none=True, validate=validate.Length(max=50))


class InvitationSentOut(Schema):
    """The same for an unknown username as for another tenant's user."""

    status = fields.String(metadata={"description": "invited"})
    username = fields.String()
    detail = fields.String()


class MembershipPatch(Schema):
    roles = fields.List(
        fields.String(validate=validate.Length(min=1, max=60)), validate=validate.Length(max=50)
    )
    title = fields.String(allow_none=True, validate=validate.Length(max=50))
    active = fields.Boolean()
    org_unit_id = fields.Integer(
        allow_none=True,
        strict=True,
        metadata={"description": "所在组织机构（本单位的组织机构 id，null 为不属于任何机构）"},
    )


class PasswordIn(Schema):
    password = fields.String(
        required=True,
        load_only=True,
        validate=validate_password,
    )


def _membership(membership_id: int) -> Membership:
    return db.session.get(Membership, membership_id) or abort(404)


@api_route(
    bp,
    "/users",
    summary="本单位的用户（成员资格、用户信息与角色）",
    query=MembershipQuery,
    response=MembershipOut,
    paginated=True,
    permission=MANAGE_USERS,
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
    summary="添加用户：新用户需姓名与初始密码；已有用户名只发出邀请（202），由本人登录后接受",
    body=MembershipIn,
    response=MembershipOut,
    status=201,
    also=[(202, InvitationSentOut, "已发出邀请（若该用户名存在），由本人登录后接受")],
    permission=MANAGE_USERS,
)
def add_user(body):
    added = members.add_member(**body)
    if isinstance(added, InvitationSent):
        # The same answer whether or not the username exists (see core.auth.invitations).
        sent = {"status": "invited", "username": added.username, "detail": added.detail}
        return make_response(jsonify(InvitationSentOut().dump(sent)), 202)
    return added


@api_route(
    bp,
    "/users/<int:membership_id>",
    methods=["PATCH"],
    summary="修改成员的角色、职务、状态或所在组织机构",
    body=MembershipPatch,
    response=MembershipOut,
    permission=MANAGE_USERS,
)
def patch_user(membership_id: int, body):
    return members.update_member(g.actor, _membership(membership_id), **body)


@api_route(
    bp,
    "/users/<int:membership_id>",
    methods=["DELETE"],
    summary="移出本单位（停用成员资格）",
    status=204,
    permission=MANAGE_USERS,
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
    permission=MANAGE_USERS,
)
def reset_password(membership_id: int, body):
    members.reset_password(_membership(membership_id), body["password"])
