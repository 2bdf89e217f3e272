"""The reporting pages' one blueprint and what every page module shares: the granted
read, choices for selects, and running a form's action with its refusal flashed."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import flash, redirect
from flask_babel import gettext as _
from marshmallow import Schema, ValidationError

from core import clock
from core.api.messages import localize
from core.db import db
from core.forms import FormSchema, load_form
from core.routing import tenant_blueprint
from core.tenancy.scope import granted_scope
from core.workflow import WorkflowError
from plugins.reporting.deadlines import aware
from plugins.reporting.schemas import CommentIn

bp = tenant_blueprint("reporting", __name__, kind="pages", plugin="reporting", prefix="/reporting")
bp.template_folder = str(Path(__file__).resolve().parent.parent / "templates")


def reading(what: str) -> Any:
    """Read what children submitted or forwarded here, too (one audited opening)."""
    return granted_scope(f"reporting page: {what}")


def choices(mapping: dict[str, str]) -> list[tuple[str, str, bool]]:
    return [(key, _(title), False) for key, title in mapping.items()]


def posted(schema: Schema) -> dict[str, Any]:
    """The posted form loaded through ``schema`` (its unknown keys dropped)."""
    schema.unknown = FormSchema.Meta.unknown
    data, errors = load_form(schema)
    if errors:
        raise ValidationError(errors)
    return data


def posted_comment() -> str | None:
    """A move's comment from the posted form; blank is none. Too long a comment is
    refused (raised for :func:`act` to flash)."""
    return posted(CommentIn()).get("comment") or None


def messages_of(exc: ValidationError) -> dict[str, Any]:
    messages = exc.messages if isinstance(exc.messages, dict) else {"_": exc.messages}
    return localize(messages)


def flat(messages: Any) -> list[str]:
    """Every message of a (nested) marshmallow error structure, in order."""
    if isinstance(messages, str):
        return [messages]
    values = messages.values() if isinstance(messages, dict) else messages
    return [m for v in values for m in flat(v)]


def act(action: Callable[[], Any], back: str):
    """Run one form action and come back to ``back``, with the reason of a refusal
    (after which nothing of the action is kept)."""
    try:
        action()
    except ValidationError as exc:
        db.session.rollback()
        flash("；".join(flat(messages_of(exc))) or _("输入有误"), "danger")
    except WorkflowError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
    else:
        flash(_("操作已完成"), "success")
    return redirect(back), 303


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return {"local_time": local_time, "paragraphs": paragraphs}


def local_time(value: Any) -> str:
    """A stored (UTC) time as Beijing time, to the minute; blank when there is none."""
    if value is None:
        return ""
    return aware(value).astimezone(clock.TZ).strftime("%Y-%m-%d %H:%M")


def paragraphs(text: str) -> list[str]:
    """The body's paragraphs: runs of text between blank lines (a browser posts \\r\\n)."""
    return [p.strip() for p in re.split(r"(?:\r?\n\s*){2,}", text or "") if p.strip()]
