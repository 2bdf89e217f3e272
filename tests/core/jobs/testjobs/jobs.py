"""The throwaway plugin's jobs (their plugin is found from this package)."""

from __future__ import annotations

from core.serials import next_serial
from tests.core.jobs.tasks import _note


def scan() -> None:
    next_serial("SCAN")
    _note("scan")


def platform_scan() -> None:
    _note("platform_scan")


def make_serial(prefix: str) -> str:
    serial = next_serial(prefix)
    _note("testjobs.make_serial", serial=serial)
    return serial
