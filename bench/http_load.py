"""The body of ``bench/http.py`` (see there): seeding the measured tenant, gunicorn on the
app and on the bare app, wrk, and the report. A module of its own because ``http.py``
must fix ``sys.path`` before anything imports the standard library's ``http``."""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from petitions import bench_app, seed
from sqlalchemy import select

from core.auth.models import Membership, User
from core.auth.permissions import grant_roles
from core.auth.tokens import create_token
from core.db import db
from core.plugins import enablement
from core.plugins.enablement import provision_roles
from core.plugins.manager import CORE, hook_for
from core.tenancy.models import Tenant
from core.tenancy.scope import tenant_scope

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
SLUG = "bench-1"
ROLES = ["admin", "petition_leader", "supervisor", "assistance_leader"]
ROUTES = {
    "petitions list": f"/api/v1/t/{SLUG}/petitions?limit=50",
    "supervision board": f"/api/v1/t/{SLUG}/supervision/board",
    "assistance register": f"/api/v1/t/{SLUG}/assistance/records?limit=50",
    "members list": f"/api/v1/t/{SLUG}/orgs/members?limit=50",
}


def prepare_tenant(app) -> str:
    """The measured tenant: every plugin, a user holding every role, demo data; a token."""
    with app.app_context():
        tenant = db.session.scalar(select(Tenant).where(Tenant.slug == SLUG))
        user = db.session.scalar(select(User).where(User.username == "bench"))
        if user is not None:  # prepared by an earlier run (--no-seed): a new token only
            with tenant_scope(tenant.id):
                _token, plaintext = create_token(user, "bench")
            db.session.commit()
            return plaintext
        with tenant_scope(tenant.id):
            provision_roles(CORE)
            provision_roles("petitions")
        for plugin in ("supervision", "assistance"):
            enablement.enable(tenant, plugin)
        user = User(username="bench", display_name="压测")
        user.set_password("bench-password-1")
        db.session.add(user)
        db.session.flush()
        with tenant_scope(tenant.id):
            membership = Membership(user_id=user.id)
            db.session.add(membership)
            db.session.flush()
            grant_roles(membership, ROLES)
            hook_for(tenant).zugong_demo_data(tenant=tenant)
            _token, plaintext = create_token(user, "bench")
        db.session.commit()
        return plaintext


@contextmanager
def gunicorn(module: str, port: int, env: dict[str, str], pythonpath: Path):
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "--config",
        str(ROOT / "deploy" / "gunicorn.conf.py"),
        "--pythonpath",
        str(pythonpath),
        "--access-logfile",
        "/dev/null",
        module,
    ]
    environment = {**os.environ, **env, "ZUGONG_BIND": f"127.0.0.1:{port}"}
    process = subprocess.Popen(command, env=environment, cwd=ROOT, stdout=subprocess.DEVNULL)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=60)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_ready(url: str, headers: dict[str, str], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers)) as reply:
                if reply.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def wrk(url: str, headers: dict[str, str], connections: int, duration: int) -> dict:
    command = [
        "wrk",
        "-t2",
        f"-c{connections}",
        f"-d{duration}s",
        "-s",
        str(BENCH / "wrk_report.lua"),
    ]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    load = os.getloadavg()[0]  # the machine may be shared: say how busy it was
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    return {**json.loads(out.strip().splitlines()[-1]), "load": load}


def load_all(app_url: str, bare_url: str, token: str, args) -> dict[str, dict]:
    auth = {"Authorization": f"Bearer {token}"}
    wait_ready(bare_url + "/bare", {})
    for path in ROUTES.values():
        wait_ready(app_url + path, auth)
    results = {"bare app": wrk(bare_url + "/bare", {}, args.connections, args.duration)}
    for name, path in ROUTES.items():
        results[name] = wrk(app_url + path, auth, args.connections, args.duration)
    return results


def report(results: dict[str, dict], connections: int) -> None:
    bare = results["bare app"]["rps"]
    print(f"\nwrk, {connections} connections; load average (1 min) before each route")
    header = f"{'route':<22}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'ratio':>8}"
    print(f"{header}  errors  load")
    for name, r in results.items():
        print(
            f"{name:<22}{r['rps']:>9.1f}{r['p50']:>9.1f}{r['p95']:>9.1f}{r['p99']:>9.1f}"
            f"{r['rps'] / bare:>8.1%}  {r['errors'] + r['non2xx']:>6}  {r['load']:.1f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--owner-url", required=True)
    parser.add_argument("--app-role", default="zugong_app")
    parser.add_argument("--tenants", type=int, default=500)
    parser.add_argument("--per-tenant", type=int, default=2000)
    parser.add_argument("--no-seed", action="store_true", help="reuse the seeded database")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--duration", type=int, default=15, help="seconds per route")
    args = parser.parse_args()

    app = bench_app(args.owner_url, args.app_role)
    if not args.no_seed:
        start = time.perf_counter()
        seed(args.owner_url, args.tenants, args.per_tenant)
        print(
            f"seeded {args.tenants * args.per_tenant:,} petitions in {time.perf_counter() - start:.0f} s"
        )
    token = prepare_tenant(app)
    env = {
        "ZUGONG_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "ZUGONG_OWNER_DATABASE_URL": args.owner_url,
        "ZUGONG_SECRET_KEY": "bench-secret",
        "ZUGONG_LOG_LEVEL": "WARNING",
        "ZUGONG_INSTANCE_PATH": str(ROOT / "instance" / "bench"),
    }
    with (
        gunicorn("core.wsgi:app", _free_port(), env, ROOT) as app_url,
        gunicorn("bench.bare_app:app", _free_port(), env, ROOT) as bare_url,
    ):
        results = load_all(app_url, bare_url, token, args)
    report(results, args.connections)


if __name__ == "__main__":
    main()
