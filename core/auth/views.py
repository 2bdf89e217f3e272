"""Login, logout, the language switch and 修改密码 (a user changing their own password)."""

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
from marshmallow import ValidationError, fields, validate, validates_schema
from sqlalchemy import select

from core.audit.service import record
from core.auth.invitations import has_pending
from core.auth.login import LoginThrottled, authenticate
from core.auth.models import Membership, User
from core.auth.passwords import MAX_LENGTH, min_length, validate_password
from core.db import db
from core.forms import FormSchema, load_form
from core.routing import Unauthenticated, check_csrf, log_in, session_user
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


class PasswordChangeForm(FormSchema):
    current_password = fields.String(required=True, validate=validate.Length(min=1, max=200))
    new_password = fields.String(
        required=True, validate=[validate.Length(max=MAX_LENGTH), validate_password]
    )
    new_password_again = fields.String(required=True, validate=validate.Length(max=MAX_LENGTH))

    @validates_schema
    def _same_twice(self, data: dict, **_kwargs) -> None:
        if data.get("new_password") != data.get("new_password_again"):
            raise ValidationError(_("两次输入的新密码不一致。"), "new_password_again")


@bp.route("/account/password", methods=["GET", "POST"])
def change_password():
    """The signed-in user's own password: the current one, the new one twice under the
    core policy. Every other session of the user ends (as on any password change);
    this one continues. Audited in the platform's log (a user is not one tenant's)."""
    user = session_user()
    if user is None:
        raise Unauthenticated()
    errors: dict = {}
    if request.method == "POST":
        check_csrf()
        data, errors = load_form(PasswordChangeForm())
        if not errors and not user.check_password(data["current_password"]):
            errors = {"current_password": [_("当前密码不正确。")]}
        if not errors:
            user.set_password(data["new_password"])  # ends every session of the user
            record("auth.password_changed", obj=user, detail={"username": user.username})
            db.session.commit()
            tenants = session.get("tenants", [])
            log_in(user)  # this session continues under the new version
            session["tenants"] = tenants
            flash(_("密码已修改，其他设备上的登录已退出。"), "success")
            return redirect(url_for("home.index")), 303
    return render_template("password.html", errors=errors, min_length=min_length()), (
        422 if errors else 200
    )
