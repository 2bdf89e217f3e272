"""The run as a whole: its name, which tests run on which backend, what it reports and
what it drops at the end. Hooks here are imported into ``tests/conftest.py``.

Every test runs on PostgreSQL. On SQLite (the embedded mode) only the selection below
runs by default: the part that proves the embedded mode works. ``--all-backends``
(``make test-all``) runs every ``app`` test on both, for changes to dialect-specific code.
"""

from __future__ import annotations

import os
import time
from collections import Counter

import pytest

from tests import services

#: Modules (or folders) whose ``app`` tests also run on SQLite by default: migrations
#: (every test database is migrated; plugin discovery migrates a throwaway plugin),
#: tenancy, the model rules, upserts and serials, embedded jobs and the scheduler, every
#: page route once, and one browser flow per plugin. A test elsewhere joins with
#: ``@pytest.mark.embedded``.
EMBEDDED = (
    "tests/core/tenancy/",
    "tests/core/test_tenancy_smoke.py",
    "tests/core/test_models.py",
    "tests/core/plugins/",
    "tests/core/test_serials.py",
    "tests/core/test_audit.py",  # the hash chain's head is an upsert
    "tests/plugins/supervision/test_scan.py",  # reminders are upserted
    "tests/core/jobs/",
    "tests/core/test_health.py",
    "tests/core/web/test_page_smoke.py",
    "tests/e2e/",
)

BACKENDS = ("sqlite", "postgres", "neither")
#: The clock starts when pytest loads the conftest, before its own session timer.
_LOADED = time.monotonic()
_RUN = pytest.StashKey[str]()
_STARTED = pytest.StashKey[float]()


def run_name(config: pytest.Config) -> str:
    return config.stash[_RUN]


def worker_name() -> str:
    """``gw0``, ``gw1``… under pytest-xdist; ``main`` without it."""
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def _is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--all-backends",
        action="store_true",
        help="run every app test on SQLite too, not only the embedded-mode selection",
    )
    parser.addoption(
        "--pgbouncer",
        action="store_true",
        help="connect the app's role through a PgBouncer of the run's own in transaction "
        "pooling mode (tests/pgbouncer.py), as production does",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "embedded: also runs on SQLite by default (the embedded-mode proof)"
    )
    if _is_worker(config):
        config.stash[_RUN] = config.workerinput["zugong_run"]
    else:
        config.stash[_RUN] = services.new_run_name()
        config.stash[_STARTED] = _LOADED


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node) -> None:
    """pytest-xdist: every worker of this run shares its name (and template database)."""
    node.workerinput["zugong_run"] = node.config.stash[_RUN]


def backend(item: pytest.Item) -> str:
    callspec = getattr(item, "callspec", None)
    if callspec is not None and callspec.params.get("app") in ("sqlite", "postgres"):
        return callspec.params["app"]
    if "_pg_app" in getattr(item, "fixturenames", ()):
        return "postgres"
    return "neither"


def _embedded(item: pytest.Item, root: str) -> bool:
    if item.get_closest_marker("embedded"):
        return True
    path = os.path.relpath(str(item.path), root).replace(os.sep, "/")
    return any(path == entry or path.startswith(entry) for entry in EMBEDDED if entry)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    keep_all = config.getoption("--all-backends")
    kept, dropped = [], []
    for item in items:
        name = backend(item)
        if name == "sqlite" and not keep_all and not _embedded(item, str(config.rootpath)):
            dropped.append(item)
            continue
        item.user_properties.append(("backend", name))  # travels to xdist's controller
        kept.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    """The controller (or the only process) drops the run's databases, after every
    worker has finished with them."""
    if not _is_worker(session.config):
        services.drop_run_databases(run_name(session.config))


def _counts(terminalreporter) -> dict[str, Counter]:
    counts = {name: Counter() for name in BACKENDS}
    for outcome in ("passed", "failed", "error", "skipped", "xfailed", "xpassed"):
        for report in terminalreporter.stats.get(outcome, ()):
            if not hasattr(report, "user_properties"):
                continue  # collection errors
            # One report per test: its call, or the setup that failed or skipped it.
            if report.when == "call" or (report.when == "setup" and outcome != "passed"):
                name = dict(report.user_properties).get("backend", "neither")
                counts[name][outcome] += 1
    return counts


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    if _is_worker(config) or _STARTED not in config.stash:
        return
    terminalreporter.section("zugong: tests per backend")
    for name, counter in _counts(terminalreporter).items():
        detail = ", ".join(f"{n} {outcome}" for outcome, n in sorted(counter.items()))
        terminalreporter.write_line(f"{name:>8}: {sum(counter.values())} run ({detail or '-'})")
    wall = time.monotonic() - config.stash[_STARTED]
    terminalreporter.write_line(f"wall time: {wall:.0f} s ({wall / 60:.1f} min)")
