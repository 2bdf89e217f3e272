"""The differences between two versions of an item's text, as the receiving level reads
them: character by character (Chinese has no spaces to split words on), with the
unchanged runs kept so the page shows the text in place."""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher


@dataclass(frozen=True)
class Piece:
    """A run of text: ``kind`` is ``same``, ``added`` or ``removed``."""

    kind: str
    text: str


def text_diff(before: str, after: str) -> list[Piece]:
    """``before`` → ``after`` as runs; a replaced run is its removal then its addition.
    autojunk is off: in Chinese prose common characters are content, not noise."""
    matcher = SequenceMatcher(None, before, after, autojunk=False)
    pieces: list[Piece] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            pieces.append(Piece("same", before[i1:i2]))
            continue
        if i2 > i1:
            pieces.append(Piece("removed", before[i1:i2]))
        if j2 > j1:
            pieces.append(Piece("added", after[j1:j2]))
    return pieces


@dataclass(frozen=True)
class VersionDiff:
    """What changed from version ``number - 1`` to version ``number``."""

    number: int
    title: list[Piece]
    body: list[Piece]


def version_diffs(versions: list) -> list[VersionDiff]:
    """Each kept version against the one before it (the first has nothing to compare)."""
    return [
        VersionDiff(
            newer.number,
            text_diff(older.title, newer.title),
            text_diff(older.body, newer.body),
        )
        for older, newer in zip(versions, versions[1:], strict=False)
    ]
