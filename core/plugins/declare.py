"""The opening hooks every plugin implements the same way: its meta, permissions,
default roles, settings schema and blueprints. A plugin's ``plugin.py`` binds them with
:func:`declare_hooks` instead of writing the five functions again::

    declare_hooks(globals(), PluginMeta(...), permissions.PERMISSIONS,
                  permissions.DEFAULT_ROLES, MySettings, [views.bp, api.bp])

Pluggy finds them as it finds any other: module attributes named as the hookspecs and
marked with ``hookimpl``."""

from __future__ import annotations

from collections.abc import Callable, MutableMapping, Sequence
from typing import Any

from flask import Blueprint
from marshmallow import Schema

from core.plugins import hookimpl
from core.plugins.types import PermissionDef, PluginMeta, RoleDef


def declared_hooks(
    meta: PluginMeta,
    permissions: Sequence[PermissionDef],
    roles: Sequence[RoleDef],
    settings: type[Schema],
    blueprints: Sequence[Blueprint],
) -> tuple[Callable[[], Any], ...]:
    """The five hook implementations, in the order ``zugong_plugin_meta,
    zugong_permissions, zugong_default_roles, zugong_settings_schema,
    zugong_blueprints``; each call returns a fresh list or schema so a caller that
    changes it changes nothing here."""

    @hookimpl
    def zugong_plugin_meta() -> PluginMeta:
        return meta

    @hookimpl
    def zugong_permissions() -> list[PermissionDef]:
        return list(permissions)

    @hookimpl
    def zugong_default_roles() -> list[RoleDef]:
        return list(roles)

    @hookimpl
    def zugong_settings_schema() -> Schema:
        return settings()

    @hookimpl
    def zugong_blueprints() -> list[Blueprint]:
        return list(blueprints)

    return (
        zugong_plugin_meta,
        zugong_permissions,
        zugong_default_roles,
        zugong_settings_schema,
        zugong_blueprints,
    )


def declare_hooks(
    namespace: MutableMapping[str, Any],
    meta: PluginMeta,
    permissions: Sequence[PermissionDef],
    roles: Sequence[RoleDef],
    settings: type[Schema],
    blueprints: Sequence[Blueprint],
) -> None:
    """Bind the five opening hooks into ``namespace`` (a ``plugin.py``'s ``globals()``)
    under their hookspec names, where pluggy looks for them."""
    for hook in declared_hooks(meta, permissions, roles, settings, blueprints):
        namespace[hook.__name__] = hook
