"""Blueprints addressed by tenant, and who may reach them.

* ``pages``  — ``/t/<tenant>/…``, a logged-in member of the tenant (cookie session);
* ``api``    — ``/api/v1/t/<tenant>/…``, a bearer token of the tenant or a member's session;
* ``portal`` — ``/p/<tenant>/…``, anyone (the public petition portal).

Before the view runs the tenant is loaded, the caller checked, the plugin's enablement
checked, and the tenant scope entered for the rest of the request. The caller is
authenticated before the tenant is judged: without credentials (or with a token this
tenant does not know) the answer is the login page or a 401, logged in without access it
is a 404 that names no tenant, and an unknown slug answers exactly the same, so nobody
learns what another tenant holds, or whether it exists.
"""

from __future__ import annotations

from typing import Literal

from flask import Blueprint, Response, abort, g, redirect, request, session, url_for
from flask_wtf.csrf import CSRFError, validate_csrf
from werkzeug.routing import IntegerConverter, Map

from core.auth.models import User
from core.auth.permissions import membership_with_permissions
from core.auth.tokens import TokenExpired, token_user
from core.auth.users import Actor
from core.db import MAX_DB_ID, db
from core.plugins.cache import request_tenant
from core.plugins.manager import is_enabled
from core.tenancy import scope
from core.tenancy.models import Tenant

Kind = Literal["pages", "api", "portal"]
_PREFIX = {"pages": "/t/<tenant>", "api": "/api/v1/t/<tenant>", "portal": "/p/<tenant>"}
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class DbIdConverter(IntegerConverter):
    """``<int:…>`` in every URL: past BIGINT there is no such row, so the URL matches no
    route (404) instead of reaching the database (a 500 on PostgreSQL)."""

    def __init__(self, map: Map, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("max", MAX_DB_ID)
        super().__init__(map, *args, **kwargs)  # type: ignore[arg-type]


class Unauthenticated(Exception):
    """No valid credentials (pages redirect to login; the API answers 401)."""


class TokenRejected(Exception):
    """An expired, revoked or unknown token (the API answers 401 saying so)."""

    def __init__(self, *, invalid: bool = False) -> None:
        super().__init__()
        self.invalid = invalid


def tenant_blueprint(
    name: str, import_name: str, *, kind: Kind, plugin: str | None = None, prefix: str = ""
) -> Blueprint:
    """A blueprint whose routes live under one tenant; ``plugin`` gates them by enablement."""
    bp = Blueprint(name, import_name, url_prefix=_PREFIX[kind] + prefix)
    bp.zugong_kind = kind  # type: ignore[attr-defined]
    bp.zugong_plugin = plugin  # type: ignore[attr-defined]

    @bp.url_value_preprocessor
    def _pull_tenant(_endpoint: str | None, values: dict | None) -> None:
        g.tenant_slug = (values or {}).pop("tenant", None)

    @bp.url_defaults
    def _add_tenant(_endpoint: str, values: dict) -> None:
        if "tenant" not in values and g.get("tenant") is not None:
            values["tenant"] = g.tenant.slug

    @bp.before_request
    def _enter_tenant() -> None:
        enter_tenant(kind, plugin)

    return bp


def enter_tenant(kind: Kind, plugin: str | None) -> None:
    tenant = request_tenant(g.pop("tenant_slug", None) or "")
    if tenant is not None and tenant.kind == "platform":
        tenant = None
    if kind == "portal":
        if tenant is None:
            abort(404)
        g.tenant = tenant
        g.scope_token = scope.enter(scope.Scope(tenant_id=tenant.id))
    else:
        _enter_as_member(tenant, kind)
    if plugin is not None and not is_enabled(tenant, plugin):
        abort(404)


def _enter_as_member(tenant: Tenant | None, kind: Kind) -> None:
    """Authenticate first, then check membership, so that an unknown slug and a tenant
    the caller has no access to answer exactly alike (a redirect to login or a 401 when
    anonymous, a plain 404 without the tenant's name when logged in)."""
    if tenant is None:
        _authenticate(kind, known_tenant=False)  # a stranger: as for an existing tenant
        abort(404)
    g.scope_token = scope.enter(scope.Scope(tenant_id=tenant.id))
    g.actor = _authorize(tenant, kind)
    g.user = g.actor.user
    g.tenant = tenant  # only now: pages shown before this must not name the tenant
    if request.method not in SAFE_METHODS and g.get("auth_kind") == "session":
        check_csrf()


def leave_tenant() -> None:
    token = g.pop("scope_token", None)
    if token is not None:
        scope.leave(token)


def _authenticate(kind: Kind, *, known_tenant: bool = True) -> User:
    """The caller's user by bearer token (API) or session cookie; raises when none.

    A token is looked up in the tenant in scope: one of another tenant, or of no tenant
    at all, is as invalid as a made-up one (401, revealing nothing)."""
    header = request.headers.get("Authorization", "")
    if kind == "api" and header.lower().startswith("bearer "):
        g.auth_kind = "token"
        if not known_tenant:
            raise TokenRejected(invalid=True)
        try:
            user = token_user(header[7:].strip())
        except TokenExpired as exc:
            raise TokenRejected() from exc
        if user is None:
            raise TokenRejected(invalid=True)
        return user
    g.auth_kind = "session"
    user = session_user()
    if user is None:
        raise Unauthenticated()
    return user


def _authorize(tenant: Tenant, kind: Kind) -> Actor:
    user = _authenticate(kind)
    membership, permissions = membership_with_permissions(user.id, tenant)
    if membership is None:
        abort(404)
    return Actor(user=user, membership=membership, permissions=permissions)


def session_user() -> User | None:
    """The user of the session cookie, if the session is still theirs: the user is
    active and no logout, password change or disabling has ended it since (idle
    sessions expire by themselves: the cookie's signature carries its time, see
    ``PERMANENT_SESSION_LIFETIME``)."""
    if "user" in g:
        return g.user
    user_id = session.get("user_id")
    user = db.session.get(User, user_id) if user_id else None
    if user is not None and (
        not user.is_active or session.get("session_version") != user.session_version
    ):
        user = None
    g.user = user
    return user


def log_in(user: User) -> None:
    lang = session.get("lang")  # the language chosen on the login page survives it
    session.clear()
    if lang:
        session["lang"] = lang
    session["user_id"] = user.id
    session["session_version"] = user.session_version
    session.permanent = True


def check_csrf() -> None:
    token = request.headers.get("X-CSRFToken") or request.form.get("csrf_token")
    try:
        validate_csrf(token)
    except Exception as exc:  # flask-wtf raises ValidationError subclasses
        raise CSRFError(str(exc)) from exc


def login_redirect() -> Response:
    return redirect(url_for("auth.login", next=request.full_path))


def require_permission(permission: str) -> None:
    if not g.actor.can(permission):
        abort(403)
