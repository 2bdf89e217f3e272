"""Says, before the suite runs, which real services it will use and what it must skip."""

from __future__ import annotations

import shutil
import sys

from tests import services


def main() -> int:
    checks = [
        # The server only: the run creates (and at its end drops) databases of its own.
        ("PostgreSQL", services.reachable(services.PG_OWNER_URL), services.PG_OWNER_URL),
        # Each test process leases a db 1-15 of this server.
        ("Redis", services.reachable(services.REDIS_URL), services.REDIS_URL),
        ("Chromium", shutil.which("chromium") is not None, "/usr/bin/chromium"),
    ]
    missing = False
    for name, ok, where in checks:
        if ok:
            print(f"preflight: {name} available ({where})")
        else:
            missing = True
            verdict = "FAILS the run (CI=true)" if services.in_ci() else "its tests are SKIPPED"
            print(f"preflight: {name} NOT available ({where}): {verdict}")
    return 1 if missing and services.in_ci() else 0


if __name__ == "__main__":
    sys.exit(main())
