"""Password login with throttling of repeated failures."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, select

from core.auth.models import LoginAttempt, User
from core.db import db, utcnow

#: Failures that lock a username, and a client address, for the window.
MAX_FAILURES_PER_USER = 5
MAX_FAILURES_PER_IP = 20
WINDOW = timedelta(minutes=15)


class LoginThrottled(Exception):
    """Too many recent failures for this username or client address."""


def _recent_failures(*criteria: object) -> int:
    since = utcnow() - WINDOW
    return db.session.scalar(
        select(func.count())
        .select_from(LoginAttempt)
        .where(LoginAttempt.at >= since, LoginAttempt.succeeded.is_(False), *criteria)
    )


def authenticate(username: str, password: str, ip: str) -> User | None:
    """The user if the password is right; records the attempt either way.

    Raises :class:`LoginThrottled` before checking the password when the username or
    the address has failed too often, so a locked account cannot be probed.
    """
    username = username.strip()
    if (
        _recent_failures(LoginAttempt.username == username) >= MAX_FAILURES_PER_USER
        or _recent_failures(LoginAttempt.ip == ip) >= MAX_FAILURES_PER_IP
    ):
        raise LoginThrottled()
    user = db.session.scalar(select(User).where(User.username == username))
    ok = user is not None and user.is_active and user.check_password(password)
    db.session.add(LoginAttempt(username=username[:40], ip=ip, succeeded=ok))
    if ok:
        user.last_login_at = utcnow()
        return user
    return None


def purge_old_attempts() -> int:
    """Periodic clean-up: attempts older than a day no longer matter."""
    result = db.session.execute(
        delete(LoginAttempt).where(LoginAttempt.at < utcnow() - timedelta(days=1))
    )
    return result.rowcount or 0
