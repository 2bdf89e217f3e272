"""Fault tests: processes killed, Redis stopped, database connections cut.

Every test here is marked ``fault`` and runs in the normal suite; each is bounded in
time (about 30 s at most). Redis is never the machine's: a test that stops Redis starts
its own ``redis-server`` on a free port and stops only that one.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator

import pytest
from redis import Redis

from tests import services
from tests.core.jobs.conftest import _clean_notes, make_app, queue_name  # noqa: F401


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/tests/fault/" in str(item.path):
            item.add_marker(pytest.mark.fault)


class OwnRedis:
    """A ``redis-server`` of this test alone (no persistence), to stop and start again."""

    def __init__(self) -> None:
        self.port = services.free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        assert self.process is None
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                if Redis.from_url(self.url, socket_timeout=1).ping():
                    return
            except Exception:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.05)

    def stop(self) -> None:
        """Gone at once, like a crash: no shutdown, nothing saved."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def own_redis() -> Iterator[OwnRedis]:
    if shutil.which("redis-server") is None:
        message = "redis-server is not on the PATH (the test starts a Redis of its own)"
        if services.in_ci():
            pytest.fail(message)
        pytest.skip(message)
    server = OwnRedis()
    server.start()
    yield server
    server.stop()
