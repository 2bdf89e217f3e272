"""Login, logout and the language switch."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from marshmallow import fields, validate
from sqlalchemy import select

from core.auth.invitations import has_pending
from core.auth.login import LoginThrottled, authenticate
from core.auth.models import Membership, User
from core.db import db
from core.forms import FormSchema, load_form
from core.routing import check_csrf, log_in, session_user
from core.tenancy.models import Tenant
from core.tenancy.scope import cross_tenant_scope

bp = Blueprint("auth", __name__)


class LoginForm(FormSchema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=40))
    password = fields.String(required=True, validate=validate.Length(min=1, max=200))
    next = fields.String(load_default="", validate=validate.Length(max=500))


@bp.route("/login", methods=["GET", "POST"])
def login():
    errors: dict = {}
    status = 400
    headers: dict[str, str] = {}
    form = {"username": "", "next": request.args.get("next", "")}
    if request.method == "POST":
        check_csrf()
        form, errors = load_form(LoginForm())
        if not errors:
            try:
                user = authenticate(form["username"], form["password"], request.remote_addr or "")
            except LoginThrottled as exc:
                wait = _("登录失败次数过多，请 %(seconds)s 秒后再试。", seconds=exc.retry_after)
                errors, status = {"_": [wait]}, 429
                headers = {"Retry-After": str(exc.retry_after)}
            else:
                if user is None:
                    errors = {"_": [_("用户名或密码错误。")]}
                else:
                    db.session.commit()  # keep the attempt and last_login_at
                    return _start_session(user, form.get("next", ""))
        db.session.commit()  # failed attempts count even though the page shows an error
        return render_template("login.html", form=form, errors=errors), status, headers
    return render_template("login.html", form=form, errors=errors)


def _start_session(user: User, next_url: str):
    log_in(user)
    g.user = user  # the login's audit entry names who logged in
    session["tenants"] = tenants_of(user)
    if next_url and _is_local(next_url):
        return redirect(next_url)
    if has_pending(user):
        return redirect(url_for("invitations.index"))
    return redirect(url_for("home.index"))


def tenants_of(user: User) -> list[dict[str, str]]:
    """The tenants a user belongs to, for the switcher (read once, at login)."""
    with cross_tenant_scope("login: list the user's tenants", action="auth.login"):
        rows = db.session.execute(
            select(Tenant.slug, Tenant.name)
            .join(Membership, Membership.tenant_id == Tenant.id)
            .where(Membership.user_id == user.id, Membership.is_active, Tenant.is_active)
            .order_by(Tenant.locality_code, Tenant.slug)
        ).all()
    return [{"slug": slug, "name": name} for slug, name in rows]


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    return not parts.scheme and not parts.netloc and url.startswith("/")


@bp.post("/logout")
def logout():
    check_csrf()
    user = session_user()
    if user is not None:
        user.end_sessions()  # a copy of this cookie must not outlive the logout
        db.session.commit()
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("您已退出登录。"), "info")
    return redirect(url_for("auth.login"))


@bp.post("/language")
def language():
    check_csrf()
    lang = request.form.get("lang", "")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
    back = urlsplit(request.referrer or "")
    if back.path and back.netloc == request.host:
        return redirect(back.path + (f"?{back.query}" if back.query else ""))
    return redirect(url_for("home.index"))
