"""The platform operator's pages (``/platform/…``): the tenant tree and plugins per locality.

Platform operators (:attr:`core.auth.models.User.is_operator`) create tenants through
manifests and the CLI and choose which plugins each locality runs. This is not a tenant
blueprint: no tenant is in scope here. Tenants and their plugin rows are global tables;
the one read of tenant-owned data (active membership counts) goes through a single
audited :func:`core.tenancy.scope.cross_tenant_scope`. An operator sees no tenant's
records here; for those they need a membership like anyone else.

Everyone but a logged-in operator is turned away before any view runs: anonymous
visitors are sent to the login page, other users get 404 for every path under
``/platform`` (including wrong methods), so the area's existence is not revealed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _
from marshmallow import ValidationError, fields, validate, validates_schema
from sqlalchemy import func, select

from core.audit.service import record
from core.auth.models import Membership
from core.db import db
from core.forms import FormSchema, load_form
from core.plugins import enablement
from core.plugins.manager import PluginError, enabled_plugins, host
from core.plugins.types import PluginMeta
from core.routing import SAFE_METHODS, Unauthenticated, check_csrf, session_user
from core.tenancy.models import Tenant, TenantPlugin
from core.tenancy.scope import cross_tenant_scope
from core.tenancy.targets import LOCALITY_PREFIX, resolve_targets

PREFIX = "/platform"
bp = Blueprint("platform", __name__, url_prefix=PREFIX)

#: How the plugin form addresses tenants, as ``zugong plugins enable|disable`` does.
TARGET_MODES = ("tenant", "under", "locality")


@bp.before_app_request
def _operators_only() -> None:
    """Gate every path under /platform, matched or not, before routing errors answer."""
    if request.path != PREFIX and not request.path.startswith(PREFIX + "/"):
        return
    user = session_user()
    if user is None:
        raise Unauthenticated()
    if not user.is_operator:
        abort(404)
    if request.method not in SAFE_METHODS:
        check_csrf()


# -- forms -------------------------------------------------------------------------------


def _locality_prefix(value: str) -> None:
    # Translated when it fails, in the request's language (not at import).
    if not LOCALITY_PREFIX.match(value):
        raise ValidationError(_("行政区划代码前缀应为 1 至 6 位数字（GB/T 2260）。"))


class OverviewQuery(FormSchema):
    locality = fields.String(validate=_locality_prefix)


class PluginChangeForm(FormSchema):
    plugin = fields.String(required=True, validate=validate.Length(max=40))
    action = fields.String(required=True, validate=validate.OneOf(("enable", "disable")))
    target = fields.String(required=True, validate=validate.OneOf(TARGET_MODES))
    tenant = fields.String(validate=validate.Length(max=40))
    #: Checked by resolve_targets, and only when the form targets a locality.
    locality = fields.String(validate=validate.Length(max=20))

    @validates_schema
    def _complete(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if data.get("plugin") is not None and data["plugin"] not in host().metas:
            raise ValidationError(_("未知的功能模块。"), "plugin")
        target = data.get("target")
        if target in ("tenant", "under") and not data.get("tenant"):
            raise ValidationError(_("请选择单位。"), "tenant")
        if target == "locality" and not data.get("locality"):
            raise ValidationError(_("请填写行政区划代码前缀。"), "locality")


# -- the tenant tree ---------------------------------------------------------------------


@dataclass
class TreeRow:
    tenant: Tenant
    depth: int
    plugins: list[PluginMeta] = field(default_factory=list)
    members: int = 0
    #: Set on a row shown at the top level although it has a parent (filtered out).
    outside_parent: Tenant | None = None


def _tenants(locality: str | None = None) -> list[Tenant]:
    stmt = select(Tenant).where(Tenant.kind != "platform")
    if locality:
        stmt = stmt.where(Tenant.locality_code.startswith(locality))
    return list(db.session.scalars(stmt.order_by(Tenant.locality_code, Tenant.slug)))


def _tenant_count() -> int:
    return db.session.scalar(
        select(func.count()).select_from(Tenant).where(Tenant.kind != "platform")
    )


def _enabled_by_tenant() -> dict[int, list[str]]:
    rows = db.session.execute(
        select(TenantPlugin.tenant_id, TenantPlugin.plugin)
        .where(TenantPlugin.enabled)
        .order_by(TenantPlugin.plugin)
    )
    found: dict[int, list[str]] = {}
    for tenant_id, plugin in rows:
        if plugin in host().metas:
            found.setdefault(tenant_id, []).append(plugin)
    return found


def _membership_counts(tenant_ids: list[int]) -> dict[int, int]:
    """Active memberships per tenant: the page's one (audited) cross-tenant read."""
    if not tenant_ids:
        return {}
    with cross_tenant_scope("platform: tenant overview", tenant_ids, action="platform.overview"):
        rows = db.session.execute(
            select(Membership.tenant_id, func.count())
            .where(Membership.is_active)
            .group_by(Membership.tenant_id)
        ).all()
    return {tenant_id: count for tenant_id, count in rows}


def tenant_tree(tenants: list[Tenant]) -> list[TreeRow]:
    """``tenants`` depth first under their parents; a tenant whose parent is not in the
    list (filtered out) starts a tree of its own. Siblings by locality code, then slug."""
    known = {t.id for t in tenants}
    children: dict[int | None, list[Tenant]] = {}
    for tenant in tenants:  # already sorted
        parent = tenant.parent_id if tenant.parent_id in known else None
        children.setdefault(parent, []).append(tenant)
    rows: list[TreeRow] = []
    seen: set[int] = set()

    def walk(parent: int | None, depth: int) -> None:
        for tenant in children.get(parent, []):
            if tenant.id in seen:
                continue
            seen.add(tenant.id)
            outside = tenant.parent if depth == 0 and tenant.parent_id is not None else None
            rows.append(TreeRow(tenant, depth, outside_parent=outside))
            walk(tenant.id, depth + 1)

    walk(None, 0)
    for tenant in tenants:  # a parent cycle would hide its members: show them at the top
        if tenant.id not in seen:
            seen.add(tenant.id)
            rows.append(TreeRow(tenant, 0))
            walk(tenant.id, 1)
    return rows


@bp.get("/")
def index():
    args, errors = load_form(OverviewQuery(), request.args.to_dict())
    if errors:
        return render_template(
            "platform/index.html", rows=[], args=args, errors=errors, total=0
        ), 400
    locality = args.get("locality")
    rows = tenant_tree(_tenants(locality))
    enabled = _enabled_by_tenant()
    counts = _membership_counts([row.tenant.id for row in rows])
    metas = host().metas
    for row in rows:
        row.plugins = [metas[name] for name in enabled.get(row.tenant.id, [])]
        row.members = counts.get(row.tenant.id, 0)
    return render_template(
        "platform/index.html",
        rows=rows,
        args=args,
        errors={},
        total=_tenant_count() if locality else len(rows),
    )


# -- plugins per tenant, subtree or locality ---------------------------------------------


@dataclass
class Change:
    tenant: Tenant
    changed: bool


def _plugins_page(
    form: dict[str, Any] | None = None,
    errors: dict[str, Any] | None = None,
    changes: list[Change] | None = None,
    status: int = 200,
):
    enabled = _enabled_by_tenant()
    usage = {name: 0 for name in host().names}
    for names in enabled.values():
        for name in names:
            usage[name] += 1
    return render_template(
        "platform/plugins.html",
        plugins=[host().metas[name] for name in host().names],
        usage=usage,
        tenants=tenant_tree(_tenants()),
        form=form or {"action": "enable", "target": "locality"},
        errors=errors or {},
        changes=changes,
    ), status


@bp.get("/plugins")
def plugins():
    return _plugins_page()


@bp.post("/plugins")
def change_plugins():
    form, errors = load_form(PluginChangeForm())
    if errors:
        return _plugins_page(form, errors, status=422)
    mode, name, action = form["target"], form["plugin"], form["action"]
    value = form["locality"] if mode == "locality" else form["tenant"]
    try:
        targets = resolve_targets(**{mode: value})
    except ValueError as exc:
        return _plugins_page(
            form, {"locality" if mode == "locality" else "tenant": [str(exc)]}, status=422
        )
    if not targets:
        return _plugins_page(
            form, {"locality": [_("没有行政区划代码以此开头的单位。")]}, status=422
        )
    try:
        changes = _apply_everywhere(targets, name, action)
    except _Refused as refused:
        db.session.rollback()  # all or nothing: undo the tenants already changed
        message = _(
            "%(tenant)s：%(error)s。所有单位均未作更改。",
            tenant=refused.tenant,
            error=refused.error,
        )
        return _plugins_page(form, {"_": [message]}, status=409)
    record(
        "platform.plugins_changed",
        object_type="plugin",
        object_id=name,
        detail={
            "plugin": name,
            "action": action,
            "target": {mode: value},
            "targets": [t.slug for t in targets],
            "changed": [c.tenant.slug for c in changes if c.changed],
        },
        tenant_id=None,
    )
    return _plugins_page(form, changes=changes)


class _Refused(Exception):
    def __init__(self, tenant: str, error: str) -> None:
        super().__init__(error)
        self.tenant, self.error = tenant, error


def _apply_everywhere(targets: list[Tenant], name: str, action: str) -> list[Change]:
    """Enable or disable ``name`` in every target; the first refusal names its tenant."""
    apply = enablement.enable if action == "enable" else enablement.disable
    changes: list[Change] = []
    for current in targets:
        was_enabled = name in enabled_plugins(current)
        try:
            apply(current, name)
        except PluginError as exc:
            raise _Refused(current.name, str(exc)) from exc
        changes.append(Change(current, was_enabled != (action == "enable")))
    return changes
