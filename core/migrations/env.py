"""Alembic environment: runs as the tables' owner, against the app's metadata."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool

from core.db import Base

config = context.config
url = config.attributes["owner_url"]


def run_migrations_online() -> None:
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations_online()
