"""The app's database role: data access without ownership, and no JIT (core.migrate)."""

from __future__ import annotations

from sqlalchemy import create_engine, pool, text

from core.migrate import grant_app_role


def test_the_app_role_plans_without_jit(pg_app):
    # Role settings are per database and a cloned test database does not copy them:
    # grant again on this one, as `zugong db upgrade` does after migrating.
    grant_app_role(pg_app)
    engine = create_engine(pg_app.config["SQLALCHEMY_DATABASE_URI"], poolclass=pool.NullPool)
    with engine.connect() as conn:
        assert conn.scalar(text("select current_user")) == pg_app.config["APP_DB_ROLE"]
        assert conn.scalar(text("show jit")) == "off"
    engine.dispose()
