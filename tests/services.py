"""Where the real PostgreSQL and Redis are, what to do when they are not there, and the
databases and Redis dbs a run takes on them.

With ``CI=true`` an unreachable service fails the run; elsewhere its tests are skipped
and the reason is printed in pytest's summary (``-ra``).

A run never uses a fixed database: each test process (each pytest-xdist worker, or the
single process) gets ``<run>_<worker>``, cloned from ``<run>_template``, which the first
process to need it migrates. ``<run>`` is new for every run, so two suites on one server
never share a database; the run drops its databases when it ends. Redis dbs 1-15 are
leased the same way, one per process, through ``SET NX EX`` keys in db 0.
"""

from __future__ import annotations

import os
import secrets
import socket
from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from sqlalchemy import create_engine, pool, text
from sqlalchemy.engine import Connection

#: The server, reached as a superuser, and a database to connect to for CREATE/DROP
#: DATABASE (the run's own databases are created beside it; its schema is not touched).
PG_OWNER_URL = os.environ.get(
    "ZUGONG_TEST_PG_OWNER_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
PG_APP_ROLE = "zugong_app"
#: The Redis server; the db in the URL is ignored (dbs are leased, see ``lease_redis_db``).
REDIS_URL = os.environ.get("ZUGONG_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
REDIS_DBS = range(1, 16)
REDIS_LEASE_SECONDS = 3 * 3600  # longer than any run; a crashed run's lease expires
REDIS_LEASE_KEY = "zugong-test:lease:{db}"
#: Serialises building templates across runs on one server: migrations create the
#: cluster-wide app role, which two runs must not both try to create at once.
TEMPLATE_LOCK = 0x7A67_7465  # "zgte"

_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end"


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


# -- the run's PostgreSQL databases ----------------------------------------------------


def new_run_name() -> str:
    """Unique per run (process id + random), a valid database name prefix."""
    return f"zgt_{os.getpid()}_{secrets.token_hex(3)}"


def database_url(name: str, server_url: str = PG_OWNER_URL) -> str:
    return urlsplit(server_url)._replace(path=f"/{name}").geturl()


def _server(server_url: str):
    return create_engine(server_url, poolclass=pool.NullPool, isolation_level="AUTOCOMMIT")


def _exists(conn: Connection, name: str) -> bool:
    query = text("SELECT 1 FROM pg_database WHERE datname = :n")
    return conn.scalar(query, {"n": name}) is not None


def clone_database(
    template: str,
    name: str,
    migrate: Callable[[str], None],
    server_url: str = PG_OWNER_URL,
) -> str:
    """Create database ``name`` from ``template`` and return its owner URL. The first
    caller of a run builds the template: creates it and runs ``migrate(its_url)``."""
    engine = _server(server_url)
    with engine.connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": TEMPLATE_LOCK})
        try:
            if not _exists(conn, template):
                conn.execute(text(f'CREATE DATABASE "{template}"'))
                try:
                    migrate(database_url(template, server_url))
                except BaseException:
                    # A half-migrated template must not be cloned by the next worker.
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)'))
                    raise
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": TEMPLATE_LOCK})
    engine.dispose()
    return database_url(name, server_url)


def drop_run_databases(run: str, server_url: str = PG_OWNER_URL) -> list[str]:
    """Drop every database of ``run`` (its template and each worker's); FORCE ends the
    connections still open to them, which are this run's own."""
    if not reachable(server_url):
        return []
    pattern = run.replace("_", r"\_") + r"\_%"
    engine = _server(server_url)
    with engine.connect() as conn:
        names = conn.scalars(
            text("SELECT datname FROM pg_database WHERE datname LIKE :p"), {"p": pattern}
        ).all()
        for name in names:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()
    return list(names)


# -- the run's Redis dbs -----------------------------------------------------------------


def redis_db_url(db: int, server_url: str = REDIS_URL) -> str:
    return urlsplit(server_url)._replace(path=f"/{db}").geturl()


def lease_redis_db(holder: str, server_url: str = REDIS_URL) -> int:
    """A Redis db (1-15) no other live run holds, leased to ``holder`` in db 0."""
    from redis import Redis

    leases = Redis.from_url(redis_db_url(0, server_url))
    try:
        for db in REDIS_DBS:
            key = REDIS_LEASE_KEY.format(db=db)
            if leases.set(key, holder, nx=True, ex=REDIS_LEASE_SECONDS):
                return db
    finally:
        leases.close()
    raise RuntimeError(f"every Redis db {REDIS_DBS.start}-{REDIS_DBS.stop - 1} is leased")


def release_redis_db(db: int, holder: str, server_url: str = REDIS_URL) -> None:
    """Give the lease back, only if ``holder`` still holds it (it may have expired)."""
    from redis import Redis

    leases = Redis.from_url(redis_db_url(0, server_url))
    try:
        leases.eval(_RELEASE, 1, REDIS_LEASE_KEY.format(db=db), holder)
    finally:
        leases.close()
