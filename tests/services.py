"""Where the real PostgreSQL and Redis are, and what to do when they are not there.

With ``CI=true`` an unreachable service fails the run; elsewhere its tests are skipped
and the reason is printed in pytest's summary (``-ra``).
"""

from __future__ import annotations

import os
import socket
from urllib.parse import urlsplit

import pytest

PG_OWNER_URL = os.environ.get(
    "ZUGONG_TEST_PG_OWNER_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
PG_APP_ROLE = "zugong_app"
REDIS_URL = os.environ.get("ZUGONG_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def reachable(url: str) -> bool:
    parts = urlsplit(url.replace("postgresql+psycopg", "postgresql"))
    try:
        with socket.create_connection((parts.hostname, parts.port), timeout=2):
            return True
    except OSError:
        return False


def require(url: str, what: str) -> None:
    if reachable(url):
        return
    message = f"{what} is not reachable at {url}"
    if in_ci():
        pytest.fail(f"{message} (CI=true: a missing service is a failure, not a skip)")
    pytest.skip(message)


def app_url(owner_url: str) -> str:
    """The same database, reached as the app's role (not the owner: RLS applies)."""
    parts = urlsplit(owner_url)
    netloc = f"{PG_APP_ROLE}@{parts.hostname}:{parts.port}"
    return parts._replace(netloc=netloc).geturl()


def free_port() -> int:
    """A TCP port nothing listens on now (for a server a test starts, or one that is down)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
