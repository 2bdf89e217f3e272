"""Configuration from ``ZUGONG_*`` environment variables, with embedded defaults.

With nothing set, Zugong runs embedded: SQLite in the instance folder, jobs in-process,
demo tenants. Production sets at least ``ZUGONG_DATABASE_URL``, ``ZUGONG_REDIS_URL`` and
``ZUGONG_SECRET_KEY``; the README lists every variable.
"""

from __future__ import annotations

import copy
import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

DEFAULT_INSTANCE = Path.cwd() / "instance"


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(f"ZUGONG_{name}")
    return value if value not in (None, "") else default


#: Settings no environment variable changes (an override still may).
FIXED: dict[str, Any] = {
    "BABEL_DEFAULT_LOCALE": "zh_Hans_CN",
    "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
    "LANGUAGES": {"zh_Hans_CN": "简体中文", "en": "English"},
    "WTF_CSRF_CHECK_DEFAULT": False,  # checked in core.routing for cookie sessions only
    "WTF_CSRF_TIME_LIMIT": None,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    # Werkzeug's method for new password hashes; the test suite sets a cheap one.
    "PASSWORD_HASH_METHOD": "scrypt",
    # PRAGMA synchronous for the embedded SQLite; None keeps SQLite's own (FULL).
    "SQLITE_SYNCHRONOUS": None,
}


def load_config(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    instance = Path(_env("INSTANCE_PATH", str(DEFAULT_INSTANCE))).resolve()
    database_url = _env("DATABASE_URL", f"sqlite:///{instance / 'zugong.db'}")
    config: dict[str, Any] = {
        **copy.deepcopy(FIXED),
        "ENV_NAME": _env("ENV", "embedded"),
        "INSTANCE_PATH": str(instance),
        "SQLALCHEMY_DATABASE_URI": database_url,
        # Migrations run as the tables' owner; the app connects as a role that is not,
        # so PostgreSQL row-level security applies to it.
        "OWNER_DATABASE_URL": _env("OWNER_DATABASE_URL", database_url),
        "APP_DB_ROLE": _env("APP_DB_ROLE", "zugong_app"),
        # Login roles that may assume the platform writer role (core.tenancy.rls): the
        # workers'. Empty: the app's role (web and workers share it).
        "PLATFORM_WRITER_MEMBERS": [
            r.strip() for r in (_env("PLATFORM_WRITER_MEMBERS") or "").split(",") if r.strip()
        ],
        "REDIS_URL": _env("REDIS_URL"),
        "RQ_QUEUE": _env("RQ_QUEUE", "zugong"),
        "SECRET_KEY": _env("SECRET_KEY"),
        "LOG_LEVEL": _env("LOG_LEVEL", "INFO"),
        "TRUSTED_PROXIES": int(_env("TRUSTED_PROXIES", "0")),
        "PROXY_ADDRESSES": _env("PROXY_ADDRESSES", "127.0.0.1,::1"),
        "MAX_CONTENT_LENGTH": int(_env("MAX_UPLOAD_MB", "20")) * 1024 * 1024,
        "SESSION_COOKIE_SECURE": _env("ENV") == "production",
        # Idle sessions end: the cookie's signed time is renewed on every request and
        # a cookie older than this is refused (a working day by default).
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=float(_env("SESSION_IDLE_HOURS", "8"))),
    }
    config.update(overrides or {})
    _instance_files(config)
    return config


def _instance_files(config: dict[str, Any]) -> None:
    """What lives in the instance folder unless configured elsewhere, and the secret
    key (kept there in the embedded mode; production must set it)."""
    instance = Path(config["INSTANCE_PATH"])
    config.setdefault("ATTACHMENTS_PATH", _env("ATTACHMENTS_PATH", str(instance / "attachments")))
    config.setdefault(
        "AUDIT_CHECKPOINT_PATH", _env("AUDIT_CHECKPOINT_PATH", str(instance / "audit-checkpoints"))
    )
    config.setdefault("AUDIT_KEY", _env("AUDIT_KEY"))
    if not config["SECRET_KEY"]:
        if config["ENV_NAME"] == "production":
            raise RuntimeError("ZUGONG_SECRET_KEY must be set in production")
        config["SECRET_KEY"] = _embedded_secret(instance)


def _embedded_secret(instance: Path) -> str:
    """A per-installation secret kept in the instance folder (embedded mode only)."""
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()
