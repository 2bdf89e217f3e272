"""Schema migrations (Alembic) and the app role's privileges.

One Alembic history with a branch per plugin: core's versions live in
``core/migrations/versions``, each plugin's in ``<plugin>/migrations/versions``. The
schema exists for every installed plugin; enablement is per tenant.
"""

from __future__ import annotations

import sys
from pathlib import Path
from types import ModuleType

from alembic import command
from alembic.config import Config
from flask import Flask
from sqlalchemy import Connection, create_engine, pool, text

from core.tenancy.scope import PLATFORM_WRITER

CORE_MIGRATIONS = Path(__file__).parent / "migrations"
#: Tables the app role may read and append to, but never change.
APPEND_ONLY = ("audit_entries",)


def alembic_config(app: Flask) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(CORE_MIGRATIONS))
    cfg.set_main_option("path_separator", "os")
    locations = [str(CORE_MIGRATIONS / "versions"), *map(str, plugin_version_dirs(app))]
    cfg.set_main_option("version_locations", ":".join(locations))
    cfg.attributes["owner_url"] = app.config["OWNER_DATABASE_URL"]
    return cfg


def plugin_version_dirs(app: Flask) -> list[Path]:
    """``migrations/versions`` beside each installed plugin's module, where present."""
    dirs = []
    for name, plugin in app.extensions["zugong.plugins"].pm.list_name_plugin():
        if name == "core":
            continue
        module = plugin if isinstance(plugin, ModuleType) else sys.modules[type(plugin).__module__]
        versions = Path(module.__file__).parent / "migrations" / "versions"
        if versions.is_dir():
            dirs.append(versions)
    return dirs


def upgrade(app: Flask) -> None:
    if app.config["OWNER_DATABASE_URL"].startswith("sqlite:///"):
        Path(app.config["OWNER_DATABASE_URL"][len("sqlite:///") :]).parent.mkdir(
            parents=True, exist_ok=True
        )
    command.upgrade(alembic_config(app), "heads")
    grant_app_role(app)


def grant_app_role(app: Flask) -> None:
    """Give the app's role data access but not ownership, so row-level security binds it."""
    owner_url = app.config["OWNER_DATABASE_URL"]
    if not owner_url.startswith("postgresql"):
        return
    role = app.config["APP_DB_ROLE"]
    engine = create_engine(owner_url, poolclass=pool.NullPool)
    with engine.begin() as conn:
        exists = conn.scalar(text("select 1 from pg_roles where rolname = :r"), {"r": role})
        if not exists:
            conn.execute(text(f'CREATE ROLE "{role}" LOGIN NOSUPERUSER NOBYPASSRLS'))
        conn.execute(text(f'GRANT USAGE ON SCHEMA public TO "{role}"'))
        conn.execute(
            text(f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "{role}"')
        )
        conn.execute(text(f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "{role}"'))
        for table in APPEND_ONLY:
            conn.execute(text(f'REVOKE UPDATE, DELETE, TRUNCATE ON {table} FROM "{role}"'))
        # No JIT for the app's statements: under row-level security the planner's cost
        # estimates of a page's query run into the millions, so PostgreSQL compiled
        # for longer than the page ran (bench/reporting.py: 2.7 s of the inbox's 4.5 s).
        database = conn.scalar(text("select current_database()"))
        conn.execute(text(f'ALTER ROLE "{role}" IN DATABASE "{database}" SET jit = off'))
        _grant_platform_writer(conn, app.config["PLATFORM_WRITER_MEMBERS"] or [role])
    engine.dispose()


def _grant_platform_writer(conn: Connection, members: list[str]) -> None:
    """What the platform writer role may touch (no DELETE: a scan only marks and adds),
    and which login roles may assume it: the workers' (``PLATFORM_WRITER_MEMBERS``; by
    default the app's role, which web and workers share). A deployment that gives its
    web processes a login role of their own leaves that one out, and the database then
    refuses them the role whatever SQL they send."""
    writer = PLATFORM_WRITER
    if conn.scalar(text("select 1 from pg_roles where rolname = :r"), {"r": writer}) is None:
        return  # core_0012 not applied
    conn.execute(text(f"GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO {writer}"))
    conn.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {writer}"))
    for table in APPEND_ONLY:
        conn.execute(text(f"REVOKE UPDATE, DELETE, TRUNCATE ON {table} FROM {writer}"))
    for member in members:
        # Each step only when needed: in production the owner has no CREATEROLE, and
        # deploy/postgres/roles.sql (run as a superuser) has done what it cannot.
        if not conn.scalar(
            text("select pg_has_role(:m, :w, 'MEMBER')"), {"m": member, "w": writer}
        ):
            conn.execute(text(f'GRANT {writer} TO "{member}"'))
        # Assumed only by SET ROLE, never inherited: the role's policy must not apply
        # to (nor cost an extra InitPlan in) every statement the member runs as itself.
        if conn.scalar(text("select rolinherit from pg_roles where rolname = :m"), {"m": member}):
            conn.execute(text(f'ALTER ROLE "{member}" NOINHERIT'))
