"""Password login with throttling of repeated failures.

Failures are throttled per (account, client address): after a few free tries each
further failure doubles the wait before that client may try that account again. Nobody
else is affected, so a stranger cannot lock a person out of their account by failing on
purpose. A client address that fails on many accounts is held back as a whole.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select

from core.auth.models import LoginAttempt, User
from core.db import db, utcnow

#: Failures of one account from one client before any waiting.
FREE_FAILURES = 3
#: The wait after the first failure past the free ones; doubled by each further failure.
FIRST_DELAY = timedelta(seconds=2)
MAX_DELAY = timedelta(minutes=15)
#: Failures counted for an (account, client) pair: those of the last day since its last
#: successful login.
MEMORY = timedelta(days=1)
#: A client address failing this often within the window, whatever the accounts, waits.
MAX_FAILURES_PER_IP = 20
WINDOW = timedelta(minutes=15)


class LoginThrottled(Exception):
    """This client must wait ``retry_after`` seconds before trying again."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = max(int(retry_after), 1)


def delay_after(failures: int) -> timedelta:
    """How long a client waits after its ``failures``-th failure on one account."""
    if failures < FREE_FAILURES:
        return timedelta(0)
    return min(FIRST_DELAY * 2 ** (failures - FREE_FAILURES), MAX_DELAY)


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; every stored time is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _pair_wait(username: str, ip: str, now: datetime) -> timedelta:
    pair = (LoginAttempt.username == username[:40], LoginAttempt.ip == ip)
    last_success = db.session.scalar(
        select(func.max(LoginAttempt.at)).where(*pair, LoginAttempt.succeeded.is_(True))
    )
    since = now - MEMORY
    if last_success is not None:
        since = max(since, _aware(last_success))
    failures, last_failure = db.session.execute(
        select(func.count(), func.max(LoginAttempt.at)).where(
            *pair, LoginAttempt.succeeded.is_(False), LoginAttempt.at > since
        )
    ).one()
    if not failures:
        return timedelta(0)
    return _aware(last_failure) + delay_after(failures) - now


def _ip_wait(ip: str, now: datetime) -> timedelta:
    recent = db.session.execute(
        select(LoginAttempt.at)
        .where(LoginAttempt.ip == ip, LoginAttempt.succeeded.is_(False))
        .where(LoginAttempt.at >= now - WINDOW)
        .order_by(LoginAttempt.at.desc())
        .limit(MAX_FAILURES_PER_IP)
    ).scalars()
    moments = list(recent)
    if len(moments) < MAX_FAILURES_PER_IP:
        return timedelta(0)
    return _aware(moments[-1]) + WINDOW - now  # until the oldest of them leaves the window


def authenticate(username: str, password: str, ip: str) -> User | None:
    """The user if the password is right; records the attempt either way.

    Raises :class:`LoginThrottled` before checking the password while this client must
    wait, so a throttled client learns nothing about the password.
    """
    username = username.strip()
    now = utcnow()
    wait = max(_pair_wait(username, ip, now), _ip_wait(ip, now))
    if wait > timedelta(0):
        raise LoginThrottled(int(wait.total_seconds()) + 1)
    user = db.session.scalar(select(User).where(User.username == username))
    ok = user is not None and user.is_active and user.check_password(password)
    db.session.add(LoginAttempt(username=username[:40], ip=ip, succeeded=ok, at=now))
    if ok:
        user.last_login_at = now
        return user
    return None


def purge_old_attempts() -> int:
    """Periodic clean-up: attempts older than a day no longer matter."""
    result = db.session.execute(delete(LoginAttempt).where(LoginAttempt.at < utcnow() - MEMORY))
    return result.rowcount or 0
