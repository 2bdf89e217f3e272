"""约稿: an upper level sends a request to chosen children (or all) and follows, per
child, on time / late / missing; a child lists what was asked of it and answers with an
item that names the request (the item form, ``request_id``)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import EXCLUDE, ValidationError
from sqlalchemy import select

from core.api.pagination import BadCursor, keyset_page
from core.db import db
from core.forms import as_typed, load_form
from core.routing import require_permission
from core.tenancy.models import Tenant
from plugins.reporting.commissions import queries, services
from plugins.reporting.commissions.schemas import RequestIn
from plugins.reporting.models import Request
from plugins.reporting.permissions import ADOPT, VIEW
from plugins.reporting.views.blueprint import bp, messages_of, reading

PAGE_SIZE = 20


def _page(statement: Any, cursor_key: str):
    try:
        return keyset_page(
            statement, [Request.id], cursor=request.args.get(cursor_key), limit=PAGE_SIZE
        )
    except BadCursor:
        abort(404)


@bp.get("/requests")
def requests():
    require_permission(VIEW)
    return _requests_page({}, {})


def _requests_page(form: dict[str, Any], errors: dict[str, Any]):
    """The lists and the request form (as typed, with its errors, after a refusal:
    nothing of the refused request is kept)."""
    with reading("requests"):
        received = _page(queries.received(), "cursor")
        return render_template(
            "reporting/requests.html",
            received=received,
            sent=_page(queries.sent(), "sent_cursor") if g.actor.can(ADOPT) else None,
            children=[
                (t.id, t.name, False) for t in _tenants(services.reporting_children(g.tenant.id))
            ],
            keep={},
            form=form,
            errors=errors,
        ), (422 if errors else 200)


def _tenants(ids: list[int]) -> list[Tenant]:
    """The tenants of ``ids`` in that order, in one statement."""
    found = {t.id: t for t in db.session.scalars(select(Tenant).where(Tenant.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


@bp.post("/requests")
def send_request():
    require_permission(ADOPT)
    schema = RequestIn(unknown=EXCLUDE)  # the CSRF token
    data, errors = load_form(schema)
    if errors:
        return _requests_page(data, errors)
    try:
        made = services.create_request(data, g.actor)
    except ValidationError as exc:
        db.session.rollback()
        return _requests_page(as_typed(schema), messages_of(exc))
    flash(_("已发出约稿：%(topic)s", topic=made.topic), "success")
    return redirect(url_for(".request_page", request_id=made.id)), 303


@bp.get("/requests/<int:request_id>")
def request_page(request_id: int):
    require_permission(VIEW)
    with reading(f"request {request_id}"):
        record = queries.request_or_404(request_id)
        own = record.tenant_id == g.tenant.id
        return render_template(
            "reporting/request.html",
            record=record,
            own=own,
            answers=queries.answers_by_child(record, child_tenant_id=None if own else g.tenant.id),
            own_items=[] if own else queries.own_answers(record),
        )
