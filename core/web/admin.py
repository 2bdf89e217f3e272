"""Tenant administration pages (``/t/<tenant>/admin/…``): users and roles, API tokens
and the audit log; the plugins and settings pages join this blueprint from
:mod:`core.web.admin_plugins`.

The pages validate their forms with the API's schemas (through :func:`core.forms.load_form`,
which drops the CSRF token and buttons) and call the same services as the API
(:mod:`core.auth.members`, :mod:`core.auth.tokens`, :mod:`core.plugins.enablement`,
:mod:`core.plugins.settings_view`), so both enforce the same rules. A page answering 4xx
rolls the request's transaction back.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import func, select

from core.api.messages import localize
from core.api.pagination import BadCursor, Page, keyset_page
from core.api.problem import plain
from core.audit.models import AuditEntry
from core.auth import members, token_access
from core.auth.invitations import InvitationSent
from core.auth.models import ApiToken, Membership, Role
from core.auth.tokens import revoke_token
from core.db import db
from core.forms import FormSchema, as_typed, load_form
from core.money import yuan
from core.orgs.models import OrgUnit
from core.permissions import (
    MANAGE_PLUGINS,
    MANAGE_SETTINGS,
    MANAGE_TOKENS,
    MANAGE_USERS,
    VIEW_AUDIT,
)
from core.plugins.manager import enabled_plugins, host
from core.routing import require_permission, tenant_blueprint
from core.web.admin_forms import (
    AddUserForm,
    AuditFilterForm,
    CursorForm,
    EditUserForm,
    PasswordForm,
    RoleForm,
    TokenForm,
    UsersFilterForm,
)
from core.web.present import SECONDS, beijing

bp = tenant_blueprint("admin", __name__, kind="pages", prefix="/admin")

#: Holding any of these opens the admin home.
ADMIN_PERMISSIONS = (
    MANAGE_USERS,
    MANAGE_PLUGINS,
    MANAGE_SETTINGS,
    MANAGE_TOKENS,
    VIEW_AUDIT,
)


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return {"local_time": local_time, "json_text": json_text, "admin_tabs": tabs(), "yuan": yuan}


def local_time(moment: datetime | None) -> str:
    """A stored (UTC) time shown in Asia/Shanghai, to the second (an audit's reader
    compares entries)."""
    return beijing(moment, SECONDS)


def json_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def tabs() -> list[tuple[str, str]]:
    actor = g.get("actor")
    if actor is None:
        return []
    tabs = [("admin.index", _("概览"))]
    if actor.can(MANAGE_USERS):
        tabs += [("admin.users", _("用户")), ("admin.roles", _("角色"))]
    if actor.can(MANAGE_PLUGINS):
        tabs.append(("admin.plugins", _("功能模块")))
    if actor.can(MANAGE_SETTINGS):
        tabs += [("admin.settings", _("设置")), ("documents.index", _("文书模板"))]
    tabs.append(("admin.tokens", _("接口令牌")))
    if actor.can(VIEW_AUDIT):
        tabs.append(("admin.audit", _("审计日志")))
    return tabs


def _page(stmt, keys, *, args: dict[str, Any], descending: bool = True) -> Page:
    try:
        return keyset_page(
            stmt, keys, cursor=args.get("cursor"), limit=args["limit"], descending=descending
        )
    except BadCursor:
        abort(400, _("分页游标无效。"))


def _query(schema: FormSchema) -> dict[str, Any]:
    data, errors = load_form(schema, request.args.to_dict())
    if errors:
        abort(400, _("查询条件无效：%(fields)s", fields="、".join(sorted(errors))))
    return data


def form_errors(exc: ValidationError) -> dict[str, Any]:
    messages = exc.messages if isinstance(exc.messages, dict) else {"_": exc.messages}
    return localize(plain(messages))


# -- home -------------------------------------------------------------------------------


@bp.get("/")
def index():
    if not any(g.actor.can(p) for p in ADMIN_PERMISSIONS):
        abort(403)
    counts = {
        "members": db.session.scalar(
            select(func.count()).select_from(Membership).where(Membership.is_active)
        ),
        "roles": db.session.scalar(select(func.count()).select_from(Role)),
        "plugins": len(enabled_plugins(g.tenant)),
        "installed": len(host().names),
    }
    recent = []
    if g.actor.can(VIEW_AUDIT):
        recent = db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(8))
    return render_template("admin/index.html", counts=counts, recent=list(recent))


# -- users ------------------------------------------------------------------------------


def _membership(membership_id: int) -> Membership:
    return db.session.get(Membership, membership_id) or abort(404)


def _all_roles() -> list[Role]:
    return list(db.session.scalars(select(Role).order_by(Role.plugin.is_not(None), Role.key)))


def _users_page(form: dict[str, Any] | None = None, errors: dict | None = None, status=200):
    args = _query(UsersFilterForm())
    page = _page(
        members.memberships_query(
            active=args.get("active"), role=args.get("role"), q=args.get("q")
        ),
        [Membership.id],
        args=args,
        descending=False,
    )
    return render_template(
        "admin/users.html",
        page=page,
        args=args,
        roles=_all_roles(),
        form=form or {"roles": ["staff"]},
        errors=errors or {},
    ), status


@bp.get("/users")
def users():
    require_permission(MANAGE_USERS)
    return _users_page()


@bp.post("/users")
def add_user():
    require_permission(MANAGE_USERS)
    raw = as_typed(AddUserForm())
    data, errors = load_form(AddUserForm())
    if errors:
        return _users_page(raw, errors, 422)
    try:
        added = members.add_member(**data)
    except ValidationError as exc:
        return _users_page(raw, form_errors(exc), 422)
    except members.AdminConflict as exc:
        return _users_page(raw, {"_": [exc.message]}, 409)
    if isinstance(added, InvitationSent):
        flash(added.detail, "info")
    else:
        flash(_("已添加用户 %(name)s。", name=added.user.display_name), "success")
    return redirect(url_for("admin.users"))


def _edit_user_page(membership: Membership, errors: dict | None = None, status: int = 200):
    return render_template(
        "admin/user_edit.html",
        membership=membership,
        roles=_all_roles(),
        current=[r.key for r in membership.roles],
        units=_active_units(),
        errors=errors or {},
        is_self=membership.id == g.actor.membership.id,
    ), status


def _active_units() -> list[OrgUnit]:
    return list(
        db.session.scalars(
            select(OrgUnit).where(OrgUnit.is_active).order_by(OrgUnit.sort_order, OrgUnit.id)
        )
    )


@bp.route("/users/<int:membership_id>", methods=["GET", "POST"])
def edit_user(membership_id: int):
    require_permission(MANAGE_USERS)
    membership = _membership(membership_id)
    if request.method == "GET":
        return _edit_user_page(membership)
    data, errors = load_form(EditUserForm())
    if not errors:
        try:
            members.update_member(g.actor, membership, **data)
        except ValidationError as exc:
            errors = form_errors(exc)
        except members.AdminConflict as exc:
            return _edit_user_page(membership, {"_": [exc.message]}, 409)
    if errors:
        return _edit_user_page(membership, errors, 422)
    flash(_("已保存。"), "success")
    return redirect(url_for("admin.edit_user", membership_id=membership.id))


@bp.post("/users/<int:membership_id>/password")
def reset_password(membership_id: int):
    require_permission(MANAGE_USERS)
    membership = _membership(membership_id)
    data, errors = load_form(PasswordForm())
    if errors:
        return _edit_user_page(membership, {"password": errors.get("password", [])}, 422)
    try:
        members.reset_password(membership, data["password"])
    except members.AdminConflict as exc:
        return _edit_user_page(membership, {"password": [exc.message]}, 409)
    flash(_("已重置密码。"), "success")
    return redirect(url_for("admin.edit_user", membership_id=membership.id))


# -- roles ------------------------------------------------------------------------------


@bp.get("/roles")
def roles():
    require_permission(MANAGE_USERS)
    declared = {p.key: p for p in members.declared_permissions(g.tenant)}
    return render_template("admin/roles.html", roles=_all_roles(), declared=declared)


def _edit_role_page(role: Role, errors: dict | None = None, status: int = 200, chosen=None):
    return render_template(
        "admin/role_edit.html",
        role=role,
        permissions=members.declared_permissions(g.tenant),
        chosen=set(role.permissions or ()) if chosen is None else set(chosen),
        plugin_titles={n: m.localized_title() for n, m in host().metas.items()},
        errors=errors or {},
    ), status


@bp.route("/roles/<int:role_id>", methods=["GET", "POST"])
def edit_role(role_id: int):
    require_permission(MANAGE_USERS)
    role = db.session.get(Role, role_id) or abort(404)
    if request.method == "GET":
        return _edit_role_page(role)
    chosen = as_typed(RoleForm()).get("permissions", [])
    data, errors = load_form(RoleForm())
    if not errors:
        try:
            members.update_role(g.actor, role, **data)
        except ValidationError as exc:
            errors = form_errors(exc)
        except members.AdminConflict as exc:
            return _edit_role_page(role, {"_": [exc.message]}, 409, chosen)
    if errors:
        return _edit_role_page(role, errors, 422, chosen)
    flash(_("已保存角色 %(title)s。", title=role.title), "success")
    return redirect(url_for("admin.roles"))


# -- tokens -----------------------------------------------------------------------------


def _tokens_page(
    created: tuple[ApiToken, str] | None = None,
    form: dict | None = None,
    errors: dict | None = None,
    status: int = 200,
):
    args = _query(CursorForm())
    page = _page(token_access.tokens_query(g.actor), [ApiToken.id], args=args)
    return render_template(
        "admin/tokens.html",
        page=page,
        created=created,
        form=form or {},
        errors=errors or {},
        all_tokens=token_access.can_manage_tokens(g.actor),
        is_active=token_access.token_is_active,
    ), status


@bp.get("/tokens")
def tokens():
    return _tokens_page()


@bp.post("/tokens")
def create_token():
    data, errors = load_form(TokenForm())
    if errors:
        return _tokens_page(form=data, errors=errors, status=422)
    created = token_access.issue_token(g.actor, data["name"], data["lifetime_days"])
    # Rendered, not redirected: the plaintext is shown this once and never again.
    return _tokens_page(created=created)


@bp.post("/tokens/<int:token_id>/revoke")
def revoke(token_id: int):
    token = token_access.visible_token(g.actor, token_id) or abort(404)
    revoke_token(token)
    flash(_("已吊销令牌 %(name)s。", name=token.name), "success")
    return redirect(url_for("admin.tokens"))


# -- audit ------------------------------------------------------------------------------


@bp.get("/audit")
def audit():
    require_permission(VIEW_AUDIT)
    args = _query(AuditFilterForm())
    filters = {k: args.get(k) for k in ("action", "object_type", "object_id", "actor")}
    page = _page(members.audit_query(**filters), [AuditEntry.seq], args=args)
    return render_template("admin/audit.html", page=page, filters=filters)
