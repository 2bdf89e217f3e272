"""Enabling and disabling plugins for tenants, and provisioning their default roles."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from core.audit.service import record
from core.auth.models import Role
from core.db import db
from core.plugins.manager import CORE, PluginError, enabled_plugins, host
from core.plugins.settings import own_settings, resolved_settings, validate_partial
from core.tenancy.models import Tenant, TenantPlugin
from core.tenancy.scope import tenant_scope


def enable(tenant: Tenant, name: str, settings: dict[str, Any] | None = None) -> None:
    """Enable ``name`` for ``tenant`` (idempotent); provisions roles and defaults."""
    meta = host().metas.get(name)
    if meta is None:
        raise PluginError(_("未知的功能模块：%(name)s", name=name))
    missing = [dep for dep in meta.depends_on if dep not in enabled_plugins(tenant)]
    if missing:
        raise PluginError(_("请先启用：%(names)s", names="、".join(missing)))
    row = _row(tenant, name)
    was_enabled = row.enabled
    if settings:
        row.settings = {**(row.settings or {}), **validate_partial(name, settings)}
    row.enabled = True
    db.session.flush()  # raises the cache version (core.plugins.cache)
    if was_enabled:
        return
    with tenant_scope(tenant.id):
        provision_roles(name)
        host().call_one(
            name, "zugong_tenant_enabled", tenant=tenant, settings=resolved_settings(tenant, name)
        )
        record("plugin.enabled", object_type="plugin", object_id=name)


def disable(tenant: Tenant, name: str) -> None:
    """Disable ``name`` for ``tenant``. Its data stays; its routes, permissions and jobs stop."""
    if name not in host().metas:
        raise PluginError(_("未知的功能模块：%(name)s", name=name))
    dependants = [
        other for other in enabled_plugins(tenant) if name in host().metas[other].depends_on
    ]
    if dependants:
        raise PluginError(_("以下模块依赖它，请先停用：%(names)s", names="、".join(dependants)))
    row = db.session.get(TenantPlugin, (tenant.id, name))
    if row is None or not row.enabled:
        return
    row.enabled = False
    db.session.flush()  # raises the cache version (core.plugins.cache)
    with tenant_scope(tenant.id):
        host().call_one(name, "zugong_tenant_disabled", tenant=tenant)
        record("plugin.disabled", object_type="plugin", object_id=name)


def update_settings(tenant: Tenant, name: str, data: dict[str, Any]) -> dict[str, Any]:
    """Validate and store this tenant's own layer of settings; returns the resolved ones."""
    clean = validate_partial(name, data)
    row = _row(tenant, name, enabled=(name == CORE))
    before = own_settings(tenant, name)
    after = {**before, **clean}
    if after == before:
        return resolved_settings(tenant, name)  # re-applying a manifest changes nothing
    row.settings = after
    db.session.flush()
    with tenant_scope(tenant.id):
        record(
            "settings.changed",
            object_type="plugin",
            object_id=name,
            detail={"before": before, "after": row.settings},
        )
    return resolved_settings(tenant, name)


def clear_settings(tenant: Tenant, name: str, keys: list[str]) -> dict[str, Any]:
    """Return ``keys`` of this tenant's own layer to the inherited values; returns the
    resolved settings."""
    before = own_settings(tenant, name)
    cleared = [key for key in keys if key in before]
    if not cleared:
        return resolved_settings(tenant, name)
    row = _row(tenant, name)
    row.settings = {k: v for k, v in before.items() if k not in cleared}
    db.session.flush()
    with tenant_scope(tenant.id):
        record(
            "settings.cleared",
            object_type="plugin",
            object_id=name,
            detail={"keys": sorted(cleared), "before": before, "after": row.settings},
        )
    return resolved_settings(tenant, name)


def provision_roles(plugin: str) -> None:
    """Create the plugin's default roles in the tenant in scope, where missing."""
    existing = set(db.session.scalars(select(Role.key)))
    for role in host().default_roles(plugin):
        if role.key not in existing:
            db.session.add(
                Role(
                    key=role.key,
                    title=role.title,
                    plugin=plugin,
                    permissions=list(role.permissions),
                )
            )
    db.session.flush()


def _row(tenant: Tenant, name: str, enabled: bool = False) -> TenantPlugin:
    row = db.session.get(TenantPlugin, (tenant.id, name))
    if row is None:
        row = TenantPlugin(tenant_id=tenant.id, plugin=name, enabled=enabled, settings={})
        db.session.add(row)
    return row
