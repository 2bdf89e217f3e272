"""What a person reads of a record's past, shaped once for every plugin: times in
Beijing time, moves and events by their titles in the reader's language, people by
name — never a key, a state code or an id.

Templates use the ``beijing`` filter for every stored time, and render a workflow's
history with ``history_rows`` and the ``history_table`` macro of ``_history.html``::

    {% from "_history.html" import history_table %}
    {{ history_table(history_rows(changes, labels=HISTORY_LABELS)) }}

A plugin passes ``labels`` for the keys of a row's ``data`` it wants shown (a key
without a label is not shown: it is machine data), and ``values`` to turn a stored
value into words (an id into a name, a code into its title).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask import Flask, g
from flask_babel import format_datetime
from flask_babel import gettext as _

from core.audit.labels import action_title
from core.money import yuan
from core.workflow import DECLARED, StateChange

#: How a time reads on screen (seconds only where an audit needs them).
MINUTES = "yyyy-MM-dd HH:mm"
SECONDS = "yyyy-MM-dd HH:mm:ss"


def beijing(moment: datetime | date | None, pattern: str = MINUTES) -> str:
    """A stored time in Asia/Shanghai (Flask-Babel's time zone for every request); a
    naive time is taken as UTC, as the database stores it. A date stays a date."""
    if moment is None:
        return ""
    if not isinstance(moment, datetime):
        return moment.isoformat()
    return format_datetime(moment, pattern)


@dataclass(frozen=True)
class HistoryRow:
    at: str
    actor: str
    title: str
    state: str  # the state it came to, or "" for an event that moved nothing
    comment: str
    details: list[tuple[str, str]] = field(default_factory=list)


def history_rows(
    changes: Iterable[StateChange],
    labels: Mapping[str, str] | None = None,
    values: Callable[[str, Any], str] | None = None,
) -> list[HistoryRow]:
    """Each history row with its move's (or event's) title and the state it came to."""
    return [_row(change, labels or {}, values) for change in changes]


def _row(
    change: StateChange, labels: Mapping[str, str], values: Callable[[str, Any], str] | None
) -> HistoryRow:
    workflow = DECLARED.get(change.workflow)
    moved = change.from_state != change.to_state
    state = ""
    if moved and workflow is not None:
        state = workflow.state_title(change.to_state)
    details = [
        (_(labels[key]), values(key, value) if values else _plain(value))
        for key, value in (change.data or {}).items()
        if key in labels and value not in (None, "")
    ]
    return HistoryRow(
        at=beijing(change.at),
        actor=change.actor_name,
        title=action_title(f"{change.workflow}.{change.transition}"),
        state=state,
        comment=change.comment or "",
        details=details,
    )


def _plain(value: Any) -> str:
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return str(value)


#: Keys of an audit entry's detail that name its object for a reader, in preference.
NAMING_KEYS = ("serial", "title", "name", "username", "display_name", "slug")


@dataclass(frozen=True)
class AuditRow:
    object: str  # the object's serial or name where the entry carries one
    lines: list[str]  # what changed, in words (a workflow move's states by title)


def audit_row(action: str, detail: Mapping[str, Any] | None) -> AuditRow:
    """An audit entry as a reader sees it; its raw detail stays beside it for auditors."""
    detail = detail or {}
    name = next((str(detail[k]) for k in NAMING_KEYS if detail.get(k)), "")
    lines = []
    workflow = DECLARED.get(action.partition(".")[0])
    if workflow is not None and detail.get("to"):
        source = workflow.state_title(detail["from"]) if detail.get("from") else ""
        target = workflow.state_title(detail["to"])
        lines.append(f"{source} → {target}" if source and source != target else target)
    if detail.get("comment"):
        lines.append(_("说明：%(text)s", text=detail["comment"]))
    return AuditRow(object=name, lines=lines)


def viewer_is_operator() -> bool:
    """Whether the person viewing is one of the platform's operators (macros imported
    without the template's context cannot see ``current_user``)."""
    user = g.get("user")
    return bool(user is not None and user.is_operator)


def register_filters(app: Flask) -> None:
    app.jinja_env.globals["viewer_is_operator"] = viewer_is_operator
    app.jinja_env.globals["yuan"] = yuan  # amounts in 分 shown in yuan, on every page
    app.jinja_env.filters["beijing"] = beijing
    app.jinja_env.globals["history_rows"] = history_rows
    app.jinja_env.globals["audit_row"] = audit_row
