"""Requests per second at national size, side by side with a bare Flask app (issue 14).

Seeds ``--tenants`` tenants with ``--per-tenant`` petitions each (set-based, as
``bench/petitions.py`` does), gives the first tenant a user with every role, a token
and the plugins' demo data, then starts gunicorn with ``deploy/gunicorn.conf.py`` twice,
on the app (``core.wsgi``, as the non-owner app role under RLS) and on
``bench/bare_app.py``, and loads both with ``wrk`` at ``--connections`` in the same run.
Prints req/s, p50/p95/p99 and each route's ratio to the bare app's req/s. Target for the
petitions list: ≥ 25 % of the bare app's req/s, p95 ≤ 100 ms at 32 connections.

    python bench/http.py --owner-url postgresql+psycopg://postgres@127.0.0.1:5432/bench
"""

import sys
from pathlib import Path

# This script is named http.py: with its folder first on the path it would shadow the
# standard library's ``http``. Put the folder last (its siblings stay importable).
BENCH = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH] + [str(BENCH)]

from http_load import main  # noqa: E402 - after the path is fixed

if __name__ == "__main__":
    main()
