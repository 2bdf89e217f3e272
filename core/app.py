"""The application factory."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, g, has_request_context, request, session
from flask_babel import Babel
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import event
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.middleware.proxy_fix import ProxyFix

from core import core_plugin, models  # noqa: F401 - registers every core model
from core.config import load_config
from core.db import db
from core.plugins.manager import PluginHost
from core.proxies import UntrustedForwardedHeaders, parse_networks

log = logging.getLogger(__name__)

babel = Babel()
csrf = CSRFProtect()


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    config = load_config(overrides)
    app = Flask(
        "core",
        instance_path=config["INSTANCE_PATH"],
        template_folder="web/templates",
        static_folder="web/static",
        static_url_path="/static",
    )
    app.config.update(config)
    from core.routing import DbIdConverter

    app.url_map.converters["int"] = DbIdConverter  # before any route is added
    logging.basicConfig(level=app.config["LOG_LEVEL"])
    _resolve_client_address(app)

    db.init_app(app)
    _configure_sqlite_connections(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=lambda: "Asia/Shanghai")
    csrf.init_app(app)

    host = PluginHost()
    host.load(core_plugin, extra=app.config.get("EXTRA_PLUGINS", ()))
    app.extensions["zugong.plugins"] = host

    from core.jobs.backends import init_backend

    init_backend(app)
    _register_blueprints(app, host)

    from core.errors import register_error_handlers
    from core.web.context import register_template_context
    from core.web.headers import register_security_headers

    register_error_handlers(app)
    register_template_context(app)
    register_security_headers(app)
    _register_request_lifecycle(app)

    from core.commands import register_commands

    register_commands(app)
    return app


def _resolve_client_address(app: Flask) -> None:
    """Believe ``TRUSTED_PROXIES`` hops of X-Forwarded-For, and only from real proxies."""
    if app.config["TRUSTED_PROXIES"]:
        n = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]
    app.wsgi_app = UntrustedForwardedHeaders(  # type: ignore[method-assign]
        app.wsgi_app,
        parse_networks(app.config["PROXY_ADDRESSES"]),
        warn=app.config["ENV_NAME"] == "production",
    )


def _configure_sqlite_connections(app: Flask) -> None:
    """SQLite ignores foreign keys unless asked, per connection; without them the
    composite (tenant_id, id) references would not hold in the embedded mode. Tests also
    turn ``synchronous`` off (``SQLITE_SYNCHRONOUS``)."""
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "sqlite":
        return
    synchronous = app.config.get("SQLITE_SYNCHRONOUS")

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if synchronous:
            cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.close()


def select_locale() -> str:
    if not has_request_context():
        return "zh_Hans_CN"
    chosen = session.get("lang")
    if chosen:
        return chosen
    user = g.get("user")
    try:
        locale = user.locale if user is not None else None
    except SQLAlchemyError:
        # Reading it needs the database, which just failed: the error page that asked
        # for the language must still be answered, so the browser's languages decide.
        locale = None
    if locale:
        return locale
    best = request.accept_languages.best_match(["zh", "en"])
    return "en" if best == "en" else "zh_Hans_CN"


def _register_blueprints(app: Flask, host: PluginHost) -> None:
    from core.api.blueprint import bp as api_meta
    from core.attachments import views as attachments
    from core.auth.views import bp as auth_pages
    from core.documents.api import bp as documents_api
    from core.documents.views import bp as documents_pages
    from core.exportruns import views as exports
    from core.orgs.api import bp as orgs_api
    from core.orgs.views import bp as orgs_pages
    from core.rollup.views import bp as rollup_pages
    from core.rounds.views import bp as round_pages
    from core.subtree.views import bp as subtree_pages
    from core.web import platform_calendar  # noqa: F401  (its routes join platform_pages)
    from core.web.admin import bp as admin_pages
    from core.web.api import audit, me, plugins, roles, settings, tokens, users  # noqa: F401
    from core.web.api.blueprint import bp as core_api
    from core.web.health import bp as health
    from core.web.invitations import bp as invitation_pages
    from core.web.platform import bp as platform_pages
    from core.web.views import bp as web_pages
    from core.web.views import home as home_page

    for bp in (
        health,
        auth_pages,
        home_page,
        invitation_pages,
        web_pages,
        admin_pages,
        platform_pages,
        orgs_pages,
        orgs_api,
        rollup_pages,
        round_pages,
        subtree_pages,
        documents_pages,
        documents_api,
        attachments.pages,
        attachments.api,
        exports.pages,
        exports.api,
        core_api,
        api_meta,
    ):
        app.register_blueprint(bp)
    for blueprints in host.pm.hook.zugong_blueprints():
        for bp in blueprints:
            app.register_blueprint(bp)


def _register_request_lifecycle(app: Flask) -> None:
    from flask import make_response
    from sqlalchemy.exc import IntegrityError

    from core.errors import duplicate_response, is_duplicate
    from core.routing import leave_tenant

    @app.after_request
    def _commit_or_roll_back(response):
        # One transaction per request: kept only when the request succeeded.
        g.zugong_transaction_ended = True
        if response.status_code >= 400:
            db.session.rollback()
            return response
        try:
            db.session.commit()
        except Exception as exc:
            # Not saved (e.g. the connection was cut): the success must not go out. An
            # exception here would escape Flask's error handlers, so hand it to them.
            db.session.rollback()
            if isinstance(exc, IntegrityError) and is_duplicate(exc):
                # Another request did the same thing first (a unique constraint said so
                # at commit): a clear 409, not a 500.
                return make_response(duplicate_response())
            return app.make_response(app.handle_user_exception(exc))
        return response

    @app.teardown_request
    def _leave_tenant(_exc: BaseException | None) -> None:
        # The request's transaction ended in _commit_or_roll_back; one opened since (an
        # error page reading the user) holds only reads. End it first, so that leaving
        # the scope has no transaction to update over a connection that may be dead.
        # (A request context that never dispatched, a test's or a job's, keeps its own.)
        if g.pop("zugong_transaction_ended", False):
            try:
                db.session.rollback()
            except SQLAlchemyError:
                log.warning("rollback at the end of a request failed", exc_info=True)
        leave_tenant()
