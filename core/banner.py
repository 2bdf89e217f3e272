"""What ``zugong serve`` prints on start: the URL it actually serves, the demo logins
with their roles (each login once, however many tenants it serves), and a line saying
this is the embedded mode — nothing else (no migration chatter, no Werkzeug warning)."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from core.auth.permissions import role_titles
from core.tenancy.manifests import load_manifests


def demo_logins(directory: Path) -> list[str]:
    """One line per demo login: username, password, and per tenant the roles' titles."""
    titles = role_titles()
    found: dict[str, dict] = {}
    for manifest in load_manifests(directory):
        for user in manifest.data.get("users", []):
            entry = found.setdefault(
                user["username"],
                {"password": user["password"], "name": user["display_name"], "where": []},
            )
            roles = "、".join(titles.get(r, r) for r in user.get("roles", []))
            entry["where"].append(f"{manifest.data['name']}（{roles}）")
    width = max((len(u) for u in found), default=10) + 2
    return [
        f"  {username:<{width}}{entry['password']:<16}{entry['name']} · {'；'.join(entry['where'])}"
        for username, entry in found.items()
    ]


def banner(app: Flask, host_name: str, port: int, directory: Path | None) -> list[str]:
    shown = "127.0.0.1" if host_name in ("0.0.0.0", "::") else host_name
    url = f"http://{shown}:{port}/"
    embedded = app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite") and not app.config.get(
        "REDIS_URL"
    )
    mode = (
        "嵌入式模式：SQLite 数据库、任务在本进程内运行，仅供试用与演示"
        " (embedded mode: SQLite, jobs in-process; for trying out, not production)"
        if embedded
        else "开发服务器 (development server; production runs gunicorn, see deploy/)"
    )
    lines = [f"组工 Zugong — {mode}", f"打开 Open {url}login"]
    if directory is not None and directory.is_dir():
        lines += ["演示账号 Demo logins:", *demo_logins(directory)]
    return lines
