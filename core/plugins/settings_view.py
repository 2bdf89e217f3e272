"""A plugin's settings as administrators see and change them: each field's resolved value,
this tenant's own value and where the value comes from (this tenant, an ancestor, the
platform or the default), shared by the admin pages and the core API.

Resolution lives in :mod:`core.plugins.settings`; stored, audited changes in
:mod:`core.plugins.enablement`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from marshmallow import ValidationError, fields
from marshmallow.validate import Range

from core.plugins.enablement import clear_settings, update_settings
from core.plugins.manager import CORE, enabled_plugins
from core.plugins.settings import (
    own_settings,
    resolved_settings,
    settings_layers,
    settings_schema,
    validate_partial,
)
from core.tenancy.models import Tenant

_MISSING: Any = object()


def settings_plugins(tenant: Tenant) -> list[str]:
    """Plugins whose settings this tenant may see and edit: core and the enabled ones
    that declare settings."""
    names = [CORE, *enabled_plugins(tenant)]
    return [n for n in names if settings_schema(n) is not None]


@dataclass(frozen=True)
class SettingCell:
    """One number of a table setting (a dict of integers, or of dicts of integers, such as
    a scoring table): ``path`` is its keys joined by ".", ``label`` their titles from the
    field's ``metadata["labels"]``, so a page never shows a key."""

    path: str
    label: str
    value: Any
    own: Any


@dataclass(frozen=True)
class SettingField:
    name: str
    title: str
    kind: str  # integer | boolean | string | choice | table | other
    value: Any  # the resolved value
    own: Any  # this tenant's own value, or None when inherited
    source: str  # tenant | ancestor | platform | default
    source_name: str  # who set it, for people
    minimum: int | None = None
    maximum: int | None = None
    #: An amount stored in 分 (``metadata={"money": True}``): pages show and take yuan.
    money: bool = False
    #: What the figure means, for the person setting it (``metadata["description"]``).
    description: str = ""
    #: A table setting's numbers, each with its label (kind ``table``).
    cells: tuple[SettingCell, ...] = ()
    #: A choice's values and their titles (kind ``choice``: a string with ``labels``).
    choices: tuple[tuple[str, str], ...] = ()

    @property
    def shown(self) -> Any:
        """The resolved value as people read it (a choice by its title)."""
        return dict(self.choices).get(self.value, self.value) if self.choices else self.value

    @property
    def inherited(self) -> bool:
        return self.source != "tenant"


def settings_view(tenant: Tenant, plugin: str) -> dict[str, Any]:
    """Resolved settings, this tenant's own layer, and where each value comes from."""
    schema = settings_schema(plugin)
    resolved = resolved_settings(tenant, plugin)
    own = own_settings(tenant, plugin)
    layers = _labelled_layers(tenant, plugin)
    described = []
    for name, field in schema.fields.items():
        source, source_name = "default", _("默认值")
        for kind, label, layer in reversed(layers):
            if name in layer:
                source, source_name = kind, label
                break
        minimum, maximum = _range(field)
        described.append(
            SettingField(
                name=name,
                title=_(field.metadata.get("title", name)),
                kind=_kind(field),
                value=resolved.get(name),
                own=own.get(name),
                source=source,
                source_name=source_name,
                minimum=minimum,
                maximum=maximum,
                money=bool(field.metadata.get("money")),
                description=_(field.metadata["description"])
                if "description" in field.metadata
                else "",
                cells=_cells(field, resolved.get(name), own.get(name)),
                choices=_choices(field),
            )
        )
    return {"plugin": plugin, "settings": resolved, "own": own, "fields": described}


def change_settings(tenant: Tenant, plugin: str, data: dict[str, Any]) -> dict[str, Any]:
    """Set this tenant's own values; a ``None`` value returns a key to the inherited one.

    Unknown keys and bad values raise ``ValidationError`` before anything is stored.
    Returns the new :func:`settings_view`.
    """
    schema = settings_schema(plugin)
    unknown = {
        k: [_("未知字段。")] for k, v in data.items() if v is None and k not in schema.fields
    }
    if unknown:
        raise ValidationError(unknown)
    own = own_settings(tenant, plugin)
    updates = {k: v for k, v in data.items() if v is not None}
    cleared = [k for k, v in data.items() if v is None and k in own]
    if updates:
        clean = validate_partial(plugin, updates)  # raises before any write
        changed = {k: v for k, v in clean.items() if own.get(k, _MISSING) != v}
        if changed:
            update_settings(tenant, plugin, changed)
    if cleared:
        clear_settings(tenant, plugin, cleared)
    return settings_view(tenant, plugin)


def _labelled_layers(tenant: Tenant, plugin: str) -> list[tuple[str, str, dict[str, Any]]]:
    """(kind, label, layer) from the bottom (platform) to the top (this tenant)."""
    layers = settings_layers(tenant, plugin)
    last = len(layers) - 1
    labelled = []
    for i, (owner, layer) in enumerate(layers):
        if i == last:
            labelled.append(("tenant", _("本单位"), layer))
        elif i == 0:
            labelled.append(("platform", _("平台"), layer))
        else:
            labelled.append(("ancestor", owner.name, layer))
    return labelled


def _kind(field: fields.Field) -> str:
    if isinstance(field, fields.Dict) and "labels" in field.metadata:
        return "table"
    if isinstance(field, fields.String) and "labels" in field.metadata:
        return "choice"
    if isinstance(field, fields.Boolean):
        return "boolean"
    if isinstance(field, fields.Integer):
        return "integer"
    if isinstance(field, fields.String):
        return "string"
    return "other"


def _cells(field: fields.Field, value: Any, own: Any) -> tuple[SettingCell, ...]:
    if _kind(field) != "table":
        return ()
    labels = field.metadata["labels"]
    return tuple(
        SettingCell(
            path=".".join(keys),
            label=" · ".join(_(labels.get(k, k)) for k in keys),
            value=leaf,
            own=_at(own, keys),
        )
        for keys, leaf in _leaves(value)
    )


def _choices(field: fields.Field) -> tuple[tuple[str, str], ...]:
    if _kind(field) != "choice":
        return ()
    return tuple((value, _(title)) for value, title in field.metadata["labels"].items())


def _leaves(value: Any, keys: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _leaves(inner, (*keys, key))
    else:
        yield keys, value


def _at(value: Any, keys: tuple[str, ...]) -> Any:
    for key in keys:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def table_value(cells: tuple[SettingCell, ...], given: dict[str, str]) -> dict[str, Any] | None:
    """A table setting from its form inputs (``given``: path → text): None when every
    input is blank (the setting is inherited again); otherwise the resolved table with
    the filled numbers in it. A number that is not a whole number is the field's error."""
    if all(not given.get(c.path, "").strip() for c in cells):
        return None
    table: dict[str, Any] = {}
    for cell in cells:
        text = given.get(cell.path, "").strip()
        if text and not text.lstrip("-").isdigit():
            raise ValidationError(_("“%(label)s”须为整数", label=cell.label))
        *parents, last = cell.path.split(".")
        node = table
        for key in parents:
            node = node.setdefault(key, {})
        node[last] = int(text) if text else cell.value
    return table


def _range(field: fields.Field) -> tuple[int | None, int | None]:
    for validator in field.validators:
        if isinstance(validator, Range):
            return validator.min, validator.max
    return None, None
