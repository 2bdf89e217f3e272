"""Discovers plugins, and answers which of them a tenant enables.

Every installed plugin is loaded at start-up, so its models and blueprints always exist;
enablement is data (:class:`core.tenancy.models.TenantPlugin`). Hook calls made for a
tenant go through :func:`hook_for`, which leaves out the plugins it does not enable.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pluggy
from flask import current_app
from sqlalchemy import select

from core.db import db
from core.plugins import hookspecs
from core.plugins.cache import cached, forget
from core.plugins.types import PermissionDef, PluginMeta, RoleDef
from core.tenancy.models import Tenant, TenantPlugin

ENTRY_POINT_GROUP = "zugong.plugins"
CORE = "core"


class PluginError(Exception):
    """A plugin is missing, misdeclared, or cannot be enabled or disabled as asked."""


class PluginHost:
    def __init__(self) -> None:
        self.pm = pluggy.PluginManager(hookspecs.PROJECT)
        self.pm.add_hookspecs(hookspecs)
        self.metas: dict[str, PluginMeta] = {}
        self._permissions: dict[str, tuple[str, PermissionDef]] | None = None

    def load(self, core_plugin: object, extra: Iterable[tuple[str, object]] = ()) -> None:
        self.pm.register(core_plugin, name=CORE)
        self.pm.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
        for name, plugin in extra:
            self.pm.register(plugin, name=name)
        for name, plugin in self.pm.list_name_plugin():
            if name == CORE:
                continue
            # A plugin may declare hooks of its own for other plugins to implement
            # (pytest's ``pytest_addhooks`` idea): a ``hookspecs`` module attribute.
            if (specs := getattr(plugin, "hookspecs", None)) is not None:
                self.pm.add_hookspecs(specs)
            meta = self.call_one(name, "zugong_plugin_meta")
            if meta is None or meta.name != name:
                raise PluginError(f"plugin {name!r} must declare zugong_plugin_meta named {name!r}")
            self.metas[name] = meta
        for meta in self.metas.values():
            missing = [d for d in meta.depends_on if d not in self.metas]
            if missing:
                raise PluginError(f"plugin {meta.name!r} depends on missing {missing}")

    @property
    def names(self) -> list[str]:
        return sorted(self.metas)

    def plugin(self, name: str) -> object:
        plugin = self.pm.get_plugin(name)
        if plugin is None or name == CORE:
            raise PluginError(f"unknown plugin {name!r}")
        return plugin

    def call_one(self, name: str, hook: str, **kwargs: Any) -> Any:
        """Call ``hook`` on plugin ``name`` alone (e.g. its settings schema): its result,
        or ``None`` if it implements none. The call goes through pluggy, so only
        ``@hookimpl`` functions answer and their options (wrappers, ``optionalhook``)
        hold, as in every other hook call."""
        caller = getattr(self.pm.hook, hook, None)
        if caller is None:  # a plugin's own hookspec that nobody declared or implements
            return None
        others = [p for n, p in self.pm.list_name_plugin() if n != name]
        results = self.pm.subset_hook_caller(hook, others)(**kwargs)
        if caller.spec is not None and caller.spec.opts.get("firstresult"):
            return results
        return results[0] if results else None

    def call_each(self, hook: str, **kwargs: Any) -> list[tuple[str, Any]]:
        """``(plugin name, result)`` of every plugin implementing ``hook``, core first,
        for callers that must know who answered (permissions, periodic jobs)."""
        caller = getattr(self.pm.hook, hook, None)
        implementers = {impl.plugin_name for impl in caller.get_hookimpls()} if caller else set()
        return [
            (name, self.call_one(name, hook, **kwargs))
            for name, _plugin in self.pm.list_name_plugin()
            if name in implementers
        ]

    def hook_for(self, enabled: Iterable[str]) -> _TenantHooks:
        keep = {CORE, *enabled}
        drop = [p for n, p in self.pm.list_name_plugin() if n not in keep]
        return _TenantHooks(self.pm, drop)

    def permissions(self) -> dict[str, tuple[str, PermissionDef]]:
        """Every declared permission: key → (declaring plugin, definition). Asked on
        every request, and fixed once the plugins are loaded, so computed once."""
        if self._permissions is None:
            self._permissions = self._declared_permissions()
        return self._permissions

    def _declared_permissions(self) -> dict[str, tuple[str, PermissionDef]]:
        found: dict[str, tuple[str, PermissionDef]] = {}
        for name, perms in self.call_each("zugong_permissions"):
            for perm in perms or []:
                found[perm.key] = (name, perm)
        return found

    def default_roles(self, name: str) -> list[RoleDef]:
        return list(self.call_one(name, "zugong_default_roles") or [])


class _TenantHooks:
    """``host.hook_for(...).zugong_nav_items(...)``, reaching only the enabled plugins."""

    def __init__(self, pm: pluggy.PluginManager, drop: list[object]) -> None:
        self._pm = pm
        self._drop = drop

    def __getattr__(self, name: str) -> Any:
        return self._pm.subset_hook_caller(name, self._drop)


def host() -> PluginHost:
    return current_app.extensions["zugong.plugins"]


def enabled_plugins(tenant: Tenant) -> list[str]:
    """Plugins enabled for ``tenant`` (cached per process, see :mod:`core.plugins.cache`)."""

    def load() -> list[str]:
        names = db.session.scalars(
            select(TenantPlugin.plugin).where(
                TenantPlugin.tenant_id == tenant.id, TenantPlugin.enabled
            )
        ).all()
        return sorted(n for n in names if n in host().metas)

    return cached(("enabled", tenant.id), load)


def is_enabled(tenant: Tenant, plugin: str) -> bool:
    return plugin == CORE or plugin in enabled_plugins(tenant)


def hook_for(tenant: Tenant) -> _TenantHooks:
    return host().hook_for(enabled_plugins(tenant))


def forget_enabled_cache() -> None:
    """Drop this process's cached enablement and settings. Changes made through the ORM
    need no call (flushing them raises the cache version); this is for a change the
    ORM did not see."""
    forget()
