"""Which API tokens an actor may see, issue and revoke, for the admin pages and the core
API alike (the tokens themselves are :mod:`core.auth.tokens`). Runs inside the tenant
scope of the request; another user's or another tenant's token is ``None``, exactly like
a missing one."""

from __future__ import annotations

from datetime import UTC, timedelta

from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import Select, select

from core.auth.members import AdminConflict
from core.auth.models import ApiToken
from core.auth.tokens import create_token
from core.auth.users import Actor
from core.db import db, utcnow

TOKEN_MIN_DAYS, TOKEN_MAX_DAYS, TOKEN_DEFAULT_DAYS = 1, 365, 90


def can_manage_tokens(actor: Actor) -> bool:
    return actor.can("core.manage_tokens")


def tokens_query(actor: Actor, *, active: bool | None = None) -> Select:
    """The tokens ``actor`` may see: their own, or every one with core.manage_tokens."""
    stmt = select(ApiToken)
    if not can_manage_tokens(actor):
        stmt = stmt.where(ApiToken.user_id == actor.user_id)
    if active is not None:
        now = utcnow()
        live = (ApiToken.revoked_at.is_(None)) & (
            ApiToken.expires_at.is_(None) | (ApiToken.expires_at > now)
        )
        stmt = stmt.where(live if active else ~live)
    return stmt


def visible_token(actor: Actor, token_id: int) -> ApiToken | None:
    """A token ``actor`` may see and revoke; another user's (without the permission) or
    another tenant's token is ``None``, exactly like a missing one."""
    token = db.session.get(ApiToken, token_id)
    if token is None or (token.user_id != actor.user_id and not can_manage_tokens(actor)):
        return None
    return token


def issue_token(actor: Actor, name: str, days: int) -> tuple[ApiToken, str]:
    """A token for the actor in the tenant in scope; the plaintext is returned once."""
    if actor.user is None:
        raise AdminConflict(_("只有用户才能创建令牌。"))
    if not TOKEN_MIN_DAYS <= days <= TOKEN_MAX_DAYS:
        raise ValidationError({"lifetime_days": [_("有效期应为 1 到 365 天。")]})
    return create_token(actor.user, name, timedelta(days=days))


def token_is_active(token: ApiToken) -> bool:
    if token.revoked_at is not None:
        return False
    expires = token.expires_at
    if expires is None:
        return True
    # SQLite hands back naive datetimes; every stored time is UTC.
    return (expires if expires.tzinfo else expires.replace(tzinfo=UTC)) > utcnow()
