"""Plugin settings, resolved in layers: plugin default → platform → ancestors → tenant.

A city sets defaults for its counties; a county can still override them. Each layer is
stored as given (partial); the merge is validated by the plugin's marshmallow schema,
whose ``load_default`` values are the bottom layer. Core's own settings (e.g. the
traffic-light warning window) live here too, under the plugin name ``core``.

Changes to a tenant's layer are stored and audited by :mod:`core.plugins.enablement`;
:mod:`core.plugins.settings_view` shows each value with the layer it comes from.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema
from sqlalchemy import select

from core.db import db
from core.plugins.cache import cached, cached_many
from core.plugins.manager import host
from core.tenancy.models import Tenant, TenantPlugin, platform_tenant


def settings_schema(plugin: str) -> Schema | None:
    return host().call_one(plugin, "zugong_settings_schema")


def resolved_settings(tenant: Tenant, plugin: str) -> dict[str, Any]:
    """``plugin``'s settings for ``tenant``, every layer merged: resolved once per process
    and cache version (:mod:`core.plugins.cache`), not per call."""

    def resolve() -> dict[str, Any]:
        schema = settings_schema(plugin)
        if schema is None:
            return {}
        merged: dict[str, Any] = {}
        for _owner, layer in settings_layers(tenant, plugin):
            merged.update(layer)
        return schema.load(merged, unknown="exclude")

    return cached(("settings", tenant.id, plugin), resolve)


def resolved_settings_of(tenant_ids: list[int], plugin: str) -> dict[int, dict[str, Any]]:
    """:func:`resolved_settings` of many tenants, in a constant number of statements
    (the scans across tenants): the cache version once, and for what is not cached the
    tenant tree and the plugin's stored layers, one query each."""

    def resolve(keys: list[Any]) -> dict[Any, dict[str, Any]]:
        schema = settings_schema(plugin)
        if schema is None:
            return {key: {} for key in keys}
        parents = {
            t: parent for t, parent in db.session.execute(select(Tenant.id, Tenant.parent_id))
        }
        layers = {
            row.tenant_id: row.settings or {}
            for row in db.session.scalars(select(TenantPlugin).where(TenantPlugin.plugin == plugin))
        }
        bottom = layers.get(platform_tenant().id, {})
        return {
            key: schema.load(_merged(key[1], parents, layers, bottom), unknown="exclude")
            for key in keys
        }

    found = cached_many([("settings", tenant_id, plugin) for tenant_id in tenant_ids], resolve)
    return {key[1]: value for key, value in found.items()}


def _merged(
    tenant_id: int, parents: dict[int, int | None], layers: dict[int, dict], bottom: dict
) -> dict[str, Any]:
    """The layers of ``tenant_id`` merged as :func:`settings_layers` orders them."""
    chain, node = [], tenant_id
    while node is not None and len(chain) <= len(parents):  # (a cycle cannot loop)
        chain.append(node)
        node = parents.get(node)
    merged = dict(bottom)
    for owner in reversed(chain):
        merged.update(layers.get(owner, {}))
    return merged


def own_settings(tenant: Tenant, plugin: str) -> dict[str, Any]:
    row = db.session.get(TenantPlugin, (tenant.id, plugin))
    return dict(row.settings or {}) if row else {}


def validate_partial(plugin: str, data: dict[str, Any]) -> dict[str, Any]:
    """Validate a layer of settings; raises marshmallow.ValidationError naming bad fields."""
    schema = settings_schema(plugin)
    if schema is None:
        return {}
    loaded = schema.load(data, partial=True)
    # Dump back to plain JSON values, keeping only the keys the caller gave.
    dumped = schema.dump(loaded)
    return {key: dumped[key] for key in data if key in dumped}


def settings_layers(tenant: Tenant, plugin: str) -> list[tuple[Tenant, dict[str, Any]]]:
    """``(owner, layer)`` for each stored layer of ``plugin``'s settings, from the bottom
    (the platform) through ``tenant``'s ancestors to the top (``tenant`` itself); a tenant
    that stores nothing gives an empty layer."""
    chain = [platform_tenant(), *reversed(tenant.ancestors()), tenant]
    rows = {
        row.tenant_id: row.settings or {}
        for row in db.session.scalars(
            select(TenantPlugin).where(
                TenantPlugin.plugin == plugin, TenantPlugin.tenant_id.in_([t.id for t in chain])
            )
        )
    }
    return [(owner, rows.get(owner.id, {})) for owner in chain]
