"""An object's fields as the audit log holds them: plain values, never a raw ID number.

Units and members record their changes with these, as ``before``/``after`` snapshots.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from core.orgs.fields import mask


def plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def _audit_value(name: str, value: Any) -> Any:
    if name == "id_number" and value:
        return mask(value)  # never the raw number in the log
    return plain(value)


def snapshot(obj: Any, names: Iterable[str]) -> dict[str, Any]:
    return {name: _audit_value(name, getattr(obj, name)) for name in names}


def apply_changes(obj: Any, changes: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Set the changed attributes; return (before, after) of the ones that changed."""
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for name, value in changes.items():
        old = getattr(obj, name)
        if old != value:
            before[name] = _audit_value(name, old)
            after[name] = _audit_value(name, value)
            setattr(obj, name, value)
    return before, after
