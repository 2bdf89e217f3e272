"""API bearer tokens: shown once, stored as SHA-256, scoped to one tenant, expiring."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from core.audit.service import record
from core.auth.models import ApiToken, User
from core.db import db, utcnow

TOKEN_PREFIX = "zg_"
DEFAULT_LIFETIME = timedelta(days=90)
LAST_USED_PRECISION = timedelta(minutes=5)


class TokenExpired(Exception):
    """The token exists in this tenant but is expired or revoked."""


def _digest(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()


def create_token(
    user: User, name: str, lifetime: timedelta | None = DEFAULT_LIFETIME
) -> tuple[ApiToken, str]:
    """A new token for ``user`` in the tenant in scope; the plaintext is returned once."""
    plaintext = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=name,
        token_hash=_digest(plaintext),
        prefix=plaintext[:10],
        expires_at=utcnow() + lifetime if lifetime else None,
    )
    db.session.add(token)
    db.session.flush()
    record("token.created", obj=token, detail={"user": user.username, "name": name})
    return token, plaintext


def token_user(plaintext: str) -> User | None:
    """The user a token authenticates in the tenant in scope, or ``None`` if the token
    is not one of this tenant's. Raises :class:`TokenExpired` for an expired or revoked
    token of this tenant."""
    # The user comes in the same statement (not a lazy load after it).
    row = db.session.execute(
        select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == _digest(plaintext))
    ).first()
    if row is None:
        return None
    token, user = row
    now = utcnow()
    if token.revoked_at is not None or (token.expires_at and _aware(token.expires_at) <= now):
        raise TokenExpired()
    if token.last_used_at is None or _aware(token.last_used_at) < now - LAST_USED_PRECISION:
        token.last_used_at = now  # not on every request: reads should not write
    return user if user.is_active else None


def revoke_token(token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        record("token.revoked", obj=token)


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; every stored time is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
