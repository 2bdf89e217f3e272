"""What changed between two versions of an item, for the level that returned it.

Chinese text has no spaces to split words on, so the comparison runs character by
character (difflib's opcodes), then merges into runs a reader can follow: kept text,
deleted text, inserted text.
"""

from __future__ import annotations

from difflib import SequenceMatcher
from typing import Any

from plugins.reporting.models import ItemVersion


def text_changes(old: str, new: str) -> list[dict[str, str]]:
    """``[{"op": "equal"|"delete"|"insert", "text": ...}, ...]`` turning ``old`` into ``new``."""
    runs: list[dict[str, str]] = []
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op in ("equal", "delete", "replace") and i2 > i1:
            runs.append({"op": "equal" if op == "equal" else "delete", "text": old[i1:i2]})
        if op in ("insert", "replace") and j2 > j1:
            runs.append({"op": "insert", "text": new[j1:j2]})
    return runs


def version_differences(versions: list[ItemVersion]) -> list[dict[str, Any]]:
    """Each version against the one before it (versions in number order)."""
    return [
        {
            "from_version": before.number,
            "to_version": after.number,
            "title": text_changes(before.title, after.title),
            "body": text_changes(before.body, after.body),
        }
        for before, after in zip(versions, versions[1:], strict=False)
    ]
