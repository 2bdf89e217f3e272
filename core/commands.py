"""The commands of the ``zugong`` command line, registered on every app's ``app.cli``.

The entry point itself (the ``zugong`` group that builds the app) is :mod:`core.cli`;
the commands live here so that :mod:`core.app` can register them without importing the
module that imports it.
"""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from core.db import db


def register_commands(app: Flask) -> None:
    for command in (
        db_group,
        tenants_group,
        plugins_group,
        token_group,
        audit_group,
        calendar_group,
        users_group,
        serve,
        worker,
    ):
        app.cli.add_command(command)


# -- db -------------------------------------------------------------------------------


@click.group("db")
def db_group() -> None:
    """Schema migrations."""


@db_group.command("upgrade")
@with_appcontext
def db_upgrade() -> None:
    """Migrate to the newest schema (as the owner role) and grant the app role."""
    from core.migrate import upgrade

    upgrade(current_app)
    click.echo("database is up to date")


@db_group.command("revision")
@click.option("-m", "--message", required=True)
@click.option("--branch", default="core", help="core, or a plugin name")
@click.option("--autogenerate/--empty", default=True)
@with_appcontext
def db_revision(message: str, branch: str, autogenerate: bool) -> None:
    """Write a new migration on a branch (core or a plugin)."""
    from alembic import command

    from core.migrate import alembic_config

    command.revision(
        alembic_config(current_app),
        message=message,
        autogenerate=autogenerate,
        head=f"{branch}@head",
    )


# -- tenants --------------------------------------------------------------------------


@click.group("tenants")
def tenants_group() -> None:
    """Tenants and their manifests."""


@tenants_group.command("sync")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@with_appcontext
def tenants_sync(directory: Path) -> None:
    """Apply tenants/*.toml (idempotent; a bad file changes nothing)."""
    from core.tenancy.manifests import ManifestError, sync

    try:
        tenants = sync(directory)
    except ManifestError as exc:
        db.session.rollback()
        for problem in exc.problems:
            click.echo(f"error: {problem}", err=True)
        sys.exit(1)
    db.session.commit()
    for tenant in tenants:
        click.echo(f"{tenant.slug}\t{tenant.name}")


@tenants_group.command("list")
@with_appcontext
def tenants_list() -> None:
    from core.tenancy.models import Tenant

    for t in db.session.scalars(
        select(Tenant).where(Tenant.kind != "platform").order_by(Tenant.locality_code, Tenant.slug)
    ):
        parent = t.parent.slug if t.parent else "-"
        click.echo(f"{t.slug}\t{t.locality_code}\t{t.kind}\t{parent}\t{t.name}")


# -- plugins --------------------------------------------------------------------------


@click.group("plugins")
def plugins_group() -> None:
    """Installed plugins and where they are enabled."""


@plugins_group.command("list")
@with_appcontext
def plugins_list() -> None:
    """Name, version, title and the tenants that enable each plugin."""
    from core.plugins.manager import host
    from core.tenancy.models import Tenant, TenantPlugin

    for name in host().names:
        meta = host().metas[name]
        slugs = db.session.scalars(
            select(Tenant.slug)
            .join(TenantPlugin, TenantPlugin.tenant_id == Tenant.id)
            .where(TenantPlugin.plugin == name, TenantPlugin.enabled)
            .order_by(Tenant.slug)
        ).all()
        click.echo(f"{name}\t{meta.version}\t{meta.title}\t{','.join(slugs) or '-'}")


def _toggle(
    action: str, name: str, tenant: str | None, under: str | None, locality: str | None
) -> None:
    from core.plugins import enablement
    from core.plugins.manager import PluginError
    from core.tenancy.targets import resolve_targets

    try:
        targets = resolve_targets(tenant=tenant, under=under, locality=locality)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    try:
        for target in targets:
            getattr(enablement, action)(target, name)
            click.echo(f"{action}d {name} for {target.slug}")
    except PluginError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()


for _action in ("enable", "disable"):

    def _make(action: str):
        @plugins_group.command(action)
        @click.argument("name")
        @click.option("--tenant", help="one tenant (slug)")
        @click.option("--under", help="a tenant and every tenant below it")
        @click.option("--locality", help="every tenant whose locality code starts with this")
        @with_appcontext
        def command(name: str, tenant: str | None, under: str | None, locality: str | None) -> None:
            _toggle(action, name, tenant, under, locality)

        command.__doc__ = (
            f"{action.capitalize()} a plugin for one tenant, a subtree, or a locality."
        )
        return command

    _make(_action)


# -- tokens ---------------------------------------------------------------------------


@click.group("token")
def token_group() -> None:
    """API bearer tokens."""


@token_group.command("create")
@click.option("--tenant", required=True)
@click.option("--user", "username", required=True)
@click.option("--name", default="cli")
@click.option("--days", default=90, type=click.IntRange(1, 3650))
@with_appcontext
def token_create(tenant: str, username: str, name: str, days: int) -> None:
    """Create a token for a member of a tenant; prints it once."""
    from core.auth.models import Membership, User
    from core.auth.tokens import create_token
    from core.tenancy.models import tenant_by_slug
    from core.tenancy.scope import tenant_scope

    target = tenant_by_slug(tenant)
    user = db.session.scalar(select(User).where(User.username == username))
    if target is None or user is None:
        raise click.ClickException("unknown tenant or user")
    with tenant_scope(target.id):
        if db.session.scalar(select(Membership).where(Membership.user_id == user.id)) is None:
            raise click.ClickException(f"{username} is not a member of {tenant}")
        _token, plaintext = create_token(user, name, timedelta(days=days))
    db.session.commit()
    click.echo(plaintext)


# -- audit ----------------------------------------------------------------------------


@click.group("audit")
def audit_group() -> None:
    """The hash-chained audit log."""


def _tenants(slug: str | None) -> list:
    from core.tenancy.models import Tenant

    query = select(Tenant).order_by(Tenant.id)
    if slug:
        query = query.where(Tenant.slug == slug)
    return list(db.session.scalars(query))


@audit_group.command("verify")
@click.option("--tenant", help="one tenant (slug); default every tenant")
@with_appcontext
def audit_verify(tenant: str | None) -> None:
    """Check every chain, its head and its latest signed checkpoint; exit 1 naming each
    edited, missing or truncated entry."""
    from core.audit.checkpoints import verify_checkpoint
    from core.audit.service import verify_chain
    from core.tenancy.scope import cross_tenant_scope

    tenants = _tenants(tenant)
    problems = []
    with cross_tenant_scope("zugong audit verify", action="audit.verify"):
        for t in tenants:
            problems.extend(verify_chain(t.id))
            problems.extend(verify_checkpoint(t.id))
    db.session.commit()
    for problem in problems:
        click.echo(f"BROKEN {problem}", err=True)
    if problems:
        sys.exit(1)
    click.echo(f"audit chains intact ({len(tenants)} tenants)")


@audit_group.command("checkpoint")
@click.option("--tenant", help="one tenant (slug); default every tenant")
@with_appcontext
def audit_checkpoint(tenant: str | None) -> None:
    """Write each chain's head to a signed checkpoint file outside the database
    (ZUGONG_AUDIT_CHECKPOINT_PATH), for verify to check against; run it periodically."""
    from core.audit.checkpoints import folder, write_checkpoint
    from core.tenancy.scope import cross_tenant_scope

    written = 0
    with cross_tenant_scope("zugong audit checkpoint", action="audit.checkpoint"):
        for t in _tenants(tenant):
            written += write_checkpoint(t.id) is not None
    db.session.commit()
    click.echo(f"{written} checkpoints written to {folder()}")


# -- calendar -------------------------------------------------------------------------


@click.group("calendar")
def calendar_group() -> None:
    """Holiday schedule overrides."""


@calendar_group.command("load")
@click.argument("year", type=int)
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--note", default="国务院办公厅通知")
@with_appcontext
def calendar_load(year: int, path: Path, note: str) -> None:
    """Load a year's official schedule (CSV: date,holiday|workday,name)."""
    from core import calendar

    try:
        count = calendar.load_year(year, calendar.parse_year_file(path), note)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"loaded {count} days for {year}")


# -- users ----------------------------------------------------------------------------


@click.group("users")
def users_group() -> None:
    """Platform users."""


@users_group.command("create")
@click.argument("username")
@click.option("--name", "display_name", required=True)
@click.option("--operator", is_flag=True, help="platform operator")
@click.password_option()
@with_appcontext
def users_create(username: str, display_name: str, operator: bool, password: str) -> None:
    from core.auth.models import User
    from core.auth.passwords import password_problem

    if problem := password_problem(password):
        raise click.ClickException(problem)
    if db.session.scalar(select(User).where(User.username == username)):
        raise click.ClickException(f"user {username!r} exists")
    user = User(username=username, display_name=display_name, is_operator=operator)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    click.echo(f"created {username}")


# -- running --------------------------------------------------------------------------


@click.command("serve")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
@click.option("--demo/--no-demo", default=True, help="load tenants/ and demo data on first start")
@with_appcontext
def serve(host: str, port: int, demo: bool) -> None:
    """Run embedded: migrate, load demo tenants on first start, jobs and scheduler in-process."""
    import logging

    from werkzeug.serving import make_server

    from core.banner import banner
    from core.demo import TENANTS_DIR, first_start
    from core.jobs.scheduler import start_scheduler_thread
    from core.migrate import upgrade

    app = current_app._get_current_object()
    # A newcomer reads the banner, not twenty lines of migration steps.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    upgrade(app)
    if demo:
        for line in first_start(app):
            click.echo(line)
    # Bound before the banner, so the URL printed is the one served (a taken port fails
    # here, before anything says it is running).
    server = make_server(host, port, app, threaded=True)
    start_scheduler_thread(app)
    for line in banner(app, host, server.server_port, TENANTS_DIR if demo else None):
        click.echo(line)
    # Werkzeug's server without run_simple's start-up warning: embedded mode is the
    # development server by design, and the banner says so.
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        server.server_close()


@click.command("worker")
@click.option("--burst", is_flag=True, help="exit when the queue is empty (tests)")
@click.option("--no-scheduler", is_flag=True, help="do not run the periodic-job scheduler")
@click.option(
    "--maintenance-interval",
    default=60,
    type=click.IntRange(5, 3600),
    help="seconds between RQ maintenance passes, which re-queue a killed worker's jobs",
)
@with_appcontext
def worker(burst: bool, no_scheduler: bool, maintenance_interval: int) -> None:
    """Run an RQ worker (with RQ's scheduler) and Zugong's periodic-job scheduler."""
    from core.jobs import worker as rq_worker

    app = current_app._get_current_object()
    if not app.config.get("REDIS_URL"):
        raise click.ClickException(
            "ZUGONG_REDIS_URL is not set (embedded mode runs jobs inside `zugong serve`)"
        )
    rq_worker.run(
        app, burst=burst, periodic=not no_scheduler, maintenance_interval=maintenance_interval
    )
