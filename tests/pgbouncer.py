"""A PgBouncer of the test run's own, in transaction pooling mode (issue 14).

Production pools the app's connections this way, so the tenancy, isolation and jobs
suites also run with the app's connection through one (``--pgbouncer``; CI does), and
``tests/core/tenancy/test_pooled_scope.py`` proves the tenant scope never leaks from one
pooled transaction into the next. Debian's ``pgbouncer`` is used; where it is missing
those runs skip, saying why (CI installs it: a missing binary fails there).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests import services

BINARY = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
#: psycopg 3 prepares a statement server-side after a few executions; PgBouncer before
#: 1.21 cannot follow prepared statements across pooled connections, so none are made.
CONNECT_ARGS = {"prepare_threshold": None}

_INI = """\
[databases]
* = host={host} port={port}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {listen}
unix_socket_dir =
auth_type = trust
auth_file = {dir}/users.txt
pool_mode = transaction
default_pool_size = {pool_size}
max_client_conn = 200
server_reset_query =
ignore_startup_parameters = extra_float_digits,options
logfile = {dir}/pgbouncer.log
pidfile = {dir}/pgbouncer.pid
"""


@dataclass
class Bouncer:
    process: subprocess.Popen
    port: int
    directory: Path

    def url(self, database_url: str) -> str:
        """``database_url`` (the app role's), reached through this PgBouncer."""
        parts = urlsplit(database_url)
        return parts._replace(netloc=f"{parts.username}@127.0.0.1:{self.port}").geturl()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        shutil.rmtree(self.directory, ignore_errors=True)


def require() -> None:
    if os.access(BINARY, os.X_OK):
        return
    message = f"pgbouncer is not installed ({BINARY}): the pooled runs are skipped"
    if services.in_ci():
        pytest.fail(f"{message} (CI=true: .ci/run installs it)")
    pytest.skip(message)


def start(pool_size: int = 8, server_url: str = services.PG_OWNER_URL) -> Bouncer:
    """A PgBouncer on a free port in front of ``server_url``'s server, for the app role."""
    require()
    server = urlsplit(server_url)
    directory = Path(tempfile.mkdtemp(prefix="zgt-pgbouncer-"))
    directory.chmod(0o755)  # run as ``postgres`` when we are root (pgbouncer refuses root)
    listen = services.free_port()
    (directory / "users.txt").write_text(f'"{services.PG_APP_ROLE}" ""\n')
    ini = directory / "pgbouncer.ini"
    ini.write_text(
        _INI.format(
            host=server.hostname,
            port=server.port,
            listen=listen,
            dir=directory,
            pool_size=pool_size,
        )
    )
    for name in ("users.txt", "pgbouncer.ini"):
        (directory / name).chmod(0o644)
    command = [BINARY, str(ini)]
    if os.geteuid() == 0:
        shutil.chown(directory, user="postgres")
        command[1:1] = ["-u", "postgres"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _wait_listening(process, listen, directory)
    return Bouncer(process, listen, directory)


def _wait_listening(process: subprocess.Popen, port: int, directory: Path) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = (
                (directory / "pgbouncer.log").read_text(errors="replace")
                if (directory / "pgbouncer.log").exists()
                else ""
            )
            raise RuntimeError(f"pgbouncer exited: {process.stderr.read().decode()} {log}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("pgbouncer did not start listening")
