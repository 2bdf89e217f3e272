"""The ``zugong`` command line: builds the app, whose ``app.cli`` holds the commands
(:mod:`core.commands`).

A command run against a database that was never migrated would die in a SQLAlchemy
traceback on its first query; the group turns that into one sentence saying what to
do, in both languages (the command line has no user locale).
"""

from __future__ import annotations

import logging

import click
from flask.cli import FlaskGroup, ScriptInfo
from sqlalchemy import inspect
from sqlalchemy.exc import OperationalError, ProgrammingError

from core.app import create_app
from core.db import db

NO_SCHEMA = (
    "数据库尚无表结构：请先运行 `zugong db upgrade`"
    " (the database has no schema yet: run `zugong db upgrade` first)"
)
OLD_SCHEMA = (
    "数据库表结构不是最新：请先运行 `zugong db upgrade`"
    " (the database schema is out of date: run `zugong db upgrade` first)"
)
# Alembic announces each of its own autogenerate plugins at INFO when first imported:
# noise on every command, never news.
logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)

#: How the drivers say a table is missing (SQLite, PostgreSQL).
MISSING_TABLE = ("no such table", "does not exist", "undefinedtable")


class ZugongGroup(FlaskGroup):
    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (OperationalError, ProgrammingError) as exc:
            if not any(marker in str(exc).lower() for marker in MISSING_TABLE):
                raise
            raise click.ClickException(_schema_message(ctx)) from None


def _schema_message(ctx: click.Context) -> str:
    """No table at all (never migrated), or some missing (migrations not run since)."""
    try:
        app = ctx.ensure_object(ScriptInfo).load_app()
        with app.app_context():
            tables = inspect(db.engine).get_table_names()
    except Exception:  # the database cannot even be inspected: say the common case
        return NO_SCHEMA
    return OLD_SCHEMA if "alembic_version" in tables else NO_SCHEMA


@click.group(cls=ZugongGroup, create_app=create_app, add_default_commands=False)
def main() -> None:
    """组工平台命令行 (Zugong command line)."""


if __name__ == "__main__":  # python -m core.cli
    main()
