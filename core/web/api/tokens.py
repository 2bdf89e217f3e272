"""``/tokens``: API tokens — the caller's own, or every one with ``core.manage_tokens``."""

from __future__ import annotations

from flask import abort, g
from marshmallow import Schema, fields, validate

from core.api.fields import UtcDateTime
from core.api.pagination import CursorQuery, keyset_page
from core.api.routes import api_route
from core.auth import token_access
from core.auth.models import ApiToken
from core.auth.tokens import revoke_token
from core.web.api.blueprint import bp
from core.web.api.briefs import UserBrief


class ApiTokenOut(Schema):
    id = fields.Integer()
    name = fields.String()
    prefix = fields.String(metadata={"description": "令牌开头几位，便于辨认"})
    user = fields.Nested(UserBrief)
    created_at = UtcDateTime()
    expires_at = UtcDateTime(allow_none=True)
    revoked_at = UtcDateTime(allow_none=True)
    last_used_at = UtcDateTime(allow_none=True)
    active = fields.Function(token_access.token_is_active, dump_only=True)


class ApiTokenCreatedOut(ApiTokenOut):
    token = fields.String(attribute="plaintext", metadata={"description": "令牌明文，只显示这一次"})


class ApiTokenIn(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=60))
    lifetime_days = fields.Integer(
        strict=True,
        load_default=token_access.TOKEN_DEFAULT_DAYS,
        validate=validate.Range(min=token_access.TOKEN_MIN_DAYS, max=token_access.TOKEN_MAX_DAYS),
    )


class ApiTokenQuery(CursorQuery):
    active = fields.Boolean(metadata={"description": "只看有效（true）或失效（false）的"})


@api_route(
    bp,
    "/tokens",
    summary="接口令牌列表（本人的；有 core.manage_tokens 权限则为全单位的）",
    query=ApiTokenQuery,
    response=ApiTokenOut,
    paginated=True,
)
def list_tokens(query):
    stmt = token_access.tokens_query(g.actor, active=query.get("active"))
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
    token, plaintext = token_access.issue_token(g.actor, body["name"], body["lifetime_days"])
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
    token = token_access.visible_token(g.actor, token_id) or abort(404)
    revoke_token(token)
