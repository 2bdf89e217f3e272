"""The assistance pages' one blueprint (``/t/<tenant>/assistance/...``), the labels every
template reads, and the two ways a page answers a post:

* a form page (:func:`form_page`) shows the form again, 422, with every value as typed
  and each error beside its field;
* a small action on a record page (:func:`act`) comes back to the page with a message
  that says what happened, or why nothing did (naming the field).

Either way a refusal rolls the request back: nothing of it is kept.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import flash, redirect, render_template
from flask_babel import gettext as _
from marshmallow import Schema, ValidationError

from core.api.messages import localize
from core.attachments.views import download_url
from core.db import db
from core.forms import load_form
from core.i18n import N_
from core.money import yuan
from core.routing import tenant_blueprint
from core.workflow import WorkflowError
from plugins.assistance import permissions
from plugins.assistance.models import (
    CATEGORIES,
    CAUSES,
    GRANT_KINDS,
    GUARANTORS,
    LEVELS,
    RELATIONS,
    SOURCES,
)

bp = tenant_blueprint(
    "assistance", __name__, kind="pages", plugin="assistance", prefix="/assistance"
)
bp.template_folder = str(Path(__file__).parent.parent / "templates")

LABELS = {
    "levels": LEVELS,
    "categories": CATEGORIES,
    "causes": CAUSES,
    "relations": RELATIONS,
    "grant_kinds": GRANT_KINDS,
    "guarantors": GUARANTORS,
    "sources": SOURCES,
}
#: The field names a message names when it comes back as a flash (not beside a field).
FIELD_TITLES = {
    "amount": N_("金额"),
    "amount_fen": N_("金额"),
    "signed_by": N_("签收人"),
    "content": N_("内容"),
    "resolution": N_("处理意见"),
    "document_no": N_("批准文号"),
    "comment": N_("说明"),
    "files": N_("证明材料"),
    "documents": N_("认定材料"),
    "level": N_("困难程度"),
    "filed_with_name": N_("备案单位"),
    "assessment": N_("实地考察意见"),
    "happened_on": N_("日期"),
    "confirmed": N_("确认"),
}


@bp.context_processor
def _labels() -> dict[str, Any]:
    choices = {name: options(mapping) for name, mapping in LABELS.items()}
    return {
        "labels": LABELS,
        "choices": choices,
        "yuan": yuan,
        "download_url": download_url,
        # Templates test permissions by the same constants as the code: perm.REGISTER.
        "perm": permissions,
    }


def options(mapping: dict[str, str]) -> list[tuple[str, str]]:
    """A label mapping as a select's (value, title) pairs, titles translated."""
    return [(key, _(title)) for key, title in mapping.items()]


def errors_of(exc: ValidationError | WorkflowError) -> dict[str, Any]:
    """A refusal as errors by field, in the user's language (``_`` for the form)."""
    if isinstance(exc, WorkflowError):
        return {"_": [exc.message]}
    messages = exc.messages if isinstance(exc.messages, dict) else {"_": exc.messages}
    return localize(messages)


def attempt(change: Callable[[], Any]) -> tuple[Any, dict[str, Any]]:
    """``(result, {})``, or ``(None, errors)`` after rolling the request back."""
    try:
        return change(), {}
    except (ValidationError, WorkflowError) as exc:
        db.session.rollback()
        return None, errors_of(exc)


def loaded(schema: Schema) -> dict[str, Any]:
    """The posted form through ``schema``, or a ``ValidationError`` by field."""
    data, errors = load_form(schema)
    if errors:
        raise ValidationError(errors)
    return data


def form_page(
    template: str, context: Callable[[], dict[str, Any]], form: Any, errors: dict[str, Any]
):
    """The page of a form, shown again (422) with the values as typed and the errors."""
    page = render_template(template, form=form, errors=errors, **context())
    return page, (422 if errors else 200)


def act(change: Callable[[], str], back: str):
    """Run an action of a record page; come back with what happened or why not."""
    done, errors = attempt(change)
    if errors:
        for text in flat(errors):
            flash(text, "danger")
    else:
        flash(done, "success")
    return redirect(back), 303


def flat(errors: dict[str, Any]) -> list[str]:
    """Every message, each prefixed with the title of its field (not ``_``)."""
    out = []
    for name, messages in errors.items():
        title = FIELD_TITLES.get(name.split(".")[0])
        for message in _messages(messages):
            out.append(f"{_(title)}：{message}" if title else message)
    return out


def _messages(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [m for v in value.values() for m in _messages(v)]
    return [m for v in value for m in _messages(v)]
