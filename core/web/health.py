"""Liveness and readiness probes for load balancers and systemd."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from core.db import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    checks = {"database": _database_ok(), "queue": _queue_ok()}
    ready = all(v in ("ok", "in-process") for v in checks.values())
    return jsonify(status="ok" if ready else "unavailable", checks=checks), 200 if ready else 503


def _database_ok() -> str:
    try:
        with db.engine.connect() as connection:
            connection.execute(text("select 1"))
        return "ok"
    except Exception as exc:  # any failure means "not ready", with the reason
        return f"error: {type(exc).__name__}"


def _queue_ok() -> str:
    url = current_app.config.get("REDIS_URL")
    if not url:
        return "in-process"
    try:
        from redis import Redis

        Redis.from_url(url, socket_connect_timeout=2).ping()
        return "ok"
    except Exception as exc:
        return f"error: {type(exc).__name__}"
