"""The application factory."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, g, has_request_context, request, session
from flask_babel import Babel
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import event
from werkzeug.middleware.proxy_fix import ProxyFix

from core import core_plugin, models  # noqa: F401 - registers every core model
from core.config import load_config
from core.db import db
from core.plugins.manager import PluginHost

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
    logging.basicConfig(level=app.config["LOG_LEVEL"])
    if app.config["TRUSTED_PROXIES"]:
        n = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]

    db.init_app(app)
    _enforce_sqlite_foreign_keys(app)
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

    register_error_handlers(app)
    register_template_context(app)
    _register_request_lifecycle(app)

    from core.commands import register_commands

    register_commands(app)
    return app


def _enforce_sqlite_foreign_keys(app: Flask) -> None:
    """SQLite ignores foreign keys unless asked, per connection; without them the
    composite (tenant_id, id) references would not hold in the embedded mode."""
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _foreign_keys_on(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


def select_locale() -> str:
    if not has_request_context():
        return "zh_Hans_CN"
    chosen = session.get("lang")
    if chosen:
        return chosen
    user = g.get("user")
    if user is not None and user.locale:
        return user.locale
    best = request.accept_languages.best_match(["zh", "en"])
    return "en" if best == "en" else "zh_Hans_CN"


def _register_blueprints(app: Flask, host: PluginHost) -> None:
    from core.api.blueprint import bp as api_meta
    from core.attachments import views as attachments
    from core.auth.views import bp as auth_pages
    from core.documents.api import bp as documents_api
    from core.documents.views import bp as documents_pages
    from core.orgs.api import bp as orgs_api
    from core.orgs.views import bp as orgs_pages
    from core.web.admin import bp as admin_pages
    from core.web.api import audit, me, plugins, roles, settings, tokens, users  # noqa: F401
    from core.web.api.blueprint import bp as core_api
    from core.web.health import bp as health
    from core.web.platform import bp as platform_pages
    from core.web.views import bp as web_pages
    from core.web.views import home as home_page

    for bp in (
        health,
        auth_pages,
        home_page,
        web_pages,
        admin_pages,
        platform_pages,
        orgs_pages,
        orgs_api,
        documents_pages,
        documents_api,
        attachments.pages,
        attachments.api,
        core_api,
        api_meta,
    ):
        app.register_blueprint(bp)
    for blueprints in host.pm.hook.zugong_blueprints():
        for bp in blueprints:
            app.register_blueprint(bp)


def _register_request_lifecycle(app: Flask) -> None:
    from core.routing import leave_tenant

    @app.after_request
    def _commit_or_roll_back(response):
        # One transaction per request: kept only when the request succeeded.
        if response.status_code < 400:
            db.session.commit()
        else:
            db.session.rollback()
        return response

    @app.teardown_request
    def _leave_tenant(_exc: BaseException | None) -> None:
        leave_tenant()
