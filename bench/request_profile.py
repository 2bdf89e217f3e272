"""Where one authenticated request spends its CPU (issue 14), in-process.

Runs against a database ``bench/http.py`` seeded (``--owner-url`` the same), through the
Flask test client with the bench user's token: each of the routes ``bench/http.py``
loads is asked ``--warm`` times untimed, then ``--repeat`` times under a profiler. Prints
the mean time per request and the profile (pyinstrument when installed, else cProfile's
top functions by cumulative time).

    PYTHONPATH=. .venv/bin/python bench/request_profile.py \\
        --owner-url postgresql+psycopg://postgres@127.0.0.1:5432/zg_perf_http --route petitions
"""

from __future__ import annotations

import sys
from pathlib import Path

# As in http.py: this folder last on the path, or its http.py shadows the standard library.
BENCH = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH] + [str(BENCH)]

import argparse  # noqa: E402 - after the path is fixed
import cProfile  # noqa: E402
import pstats  # noqa: E402
import time  # noqa: E402

from http_load import ROUTES, prepare_tenant  # noqa: E402
from petitions import bench_app  # noqa: E402


def _get(client, path: str, headers: dict[str, str]) -> None:
    response = client.get(path, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]


SORT = "cumulative"


def profile(app, path: str, headers: dict[str, str], repeat: int, warm: int, tool: str) -> None:
    client = app.test_client()
    for _ in range(warm):
        _get(client, path, headers)
    start = time.perf_counter()
    if tool == "pyinstrument":
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
        with profiler:
            for _ in range(repeat):
                _get(client, path, headers)
        elapsed = time.perf_counter() - start
        print(profiler.output_text(unicode=True, color=False, show_all=False))
    else:
        profiler = cProfile.Profile(time.process_time)  # CPU: the machine is shared
        profiler.enable()
        for _ in range(repeat):
            _get(client, path, headers)
        profiler.disable()
        elapsed = time.perf_counter() - start
        pstats.Stats(profiler).sort_stats(SORT).print_stats(45)
    print(f"{path}: {elapsed / repeat * 1000:.2f} ms per request ({tool}, {repeat} requests)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--owner-url", required=True)
    parser.add_argument("--app-role", default="zugong_app")
    parser.add_argument("--route", choices=[n.split()[0] for n in ROUTES], action="append")
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--warm", type=int, default=5)
    parser.add_argument("--tool", choices=("pyinstrument", "cprofile", "time"), default="time")
    args = parser.parse_args()
    app = bench_app(args.owner_url, args.app_role)
    headers = {"Authorization": f"Bearer {prepare_tenant(app)}"}
    for name, path in ROUTES.items():
        if args.route and name.split()[0] not in args.route:
            continue
        if args.tool == "time":
            client = app.test_client()
            for _ in range(args.warm):
                _get(client, path, headers)
            start, cpu = time.perf_counter(), time.process_time()
            for _ in range(args.repeat):
                _get(client, path, headers)
            ms = (time.perf_counter() - start) / args.repeat * 1000
            cpu_ms = (time.process_time() - cpu) / args.repeat * 1000
            print(f"{name:<22}{ms:8.2f} ms per request, {cpu_ms:6.2f} ms of it this process's CPU")
        else:
            profile(app, path, headers, args.repeat, args.warm, args.tool)


if __name__ == "__main__":
    main()
