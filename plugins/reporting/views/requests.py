"""约稿: an upper level sends a request to chosen children (or all) and follows, per
child, on time / late / missing; a child lists what was asked of it and answers with an
item that names the request (the item form, ``request_id``)."""

from __future__ import annotations

from typing import Any

from flask import abort, g, redirect, render_template, request, url_for

from core.api.pagination import BadCursor, keyset_page
from core.db import db
from core.routing import require_permission
from core.tenancy.models import Tenant
from plugins.reporting.commissions import queries, services
from plugins.reporting.commissions.schemas import RequestIn
from plugins.reporting.models import Request
from plugins.reporting.permissions import ADOPT, VIEW
from plugins.reporting.views.blueprint import act, bp, posted, reading

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
        )


def _tenants(ids: list[int]) -> list[Tenant]:
    return [db.session.get(Tenant, tenant_id) for tenant_id in ids]


@bp.post("/requests")
def send_request():
    require_permission(ADOPT)
    made: list[Request] = []
    response = act(
        lambda: made.append(services.create_request(posted(RequestIn()), g.actor)),
        url_for(".requests"),
    )
    if made:
        return redirect(url_for(".request_page", request_id=made[0].id)), 303
    return response


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
