"""The exports plugins declare (``zugong_exports``), by name, for the process."""

from __future__ import annotations

from flask import current_app

from core.exportruns.types import ExportDef

_KEY = "zugong.exports"


def definitions() -> dict[str, ExportDef]:
    """Every declared export by name (asked of every installed plugin once)."""
    known = current_app.extensions.get(_KEY)
    if known is None:
        from core.plugins.manager import host

        known = {}
        for declared in host().pm.hook.zugong_exports():
            for definition in declared:
                if definition.name in known:
                    raise ValueError(f"export {definition.name} is declared twice")
                known[definition.name] = definition
        current_app.extensions[_KEY] = known
    return known


def lookup(name: str) -> ExportDef:
    return definitions()[name]
