"""约稿: the upper level sends a request and sees per child on time / late / missing; a
child lists the requests sent to it and answers with items naming them (``request_id``
on an item). A request never sent to the tenant answers 404."""

from __future__ import annotations

from typing import Any

from core.api.pagination import Page, keyset_page
from core.api.routes import api_route
from core.auth.users import current_actor
from core.tenancy.scope import current_tenant_id
from plugins.reporting import presenters
from plugins.reporting.api.blueprint import bp, reading
from plugins.reporting.commissions import queries, services
from plugins.reporting.commissions.schemas import (
    RequestDetailOut,
    RequestIn,
    RequestListQuery,
    RequestOut,
)
from plugins.reporting.models import Request
from plugins.reporting.permissions import ADOPT, VIEW


@api_route(
    bp,
    "/requests",
    methods=["POST"],
    summary="约稿：向选定的下级（或全部下级）征集信息",
    body=RequestIn,
    response=RequestDetailOut,
    status=201,
    permission=ADOPT,
)
def create_request(body: dict[str, Any]):
    request = services.create_request(body, current_actor())
    return _detail(request)


def _page(statement: Any, query: dict[str, Any]) -> Page:
    page = keyset_page(statement, [Request.id], cursor=query.get("cursor"), limit=query["limit"])
    return Page(items=page.items, next_cursor=page.next_cursor)


@api_route(
    bp,
    "/requests/sent",
    summary="本单位发出的约稿（游标分页）",
    query=RequestListQuery,
    response=RequestOut,
    paginated=True,
    permission=ADOPT,
)
def sent_requests(query: dict[str, Any]):
    return _page(queries.sent(), query)


@api_route(
    bp,
    "/requests/received",
    summary="上级发给本单位的约稿（游标分页）",
    query=RequestListQuery,
    response=RequestOut,
    paginated=True,
    permission=VIEW,
)
def received_requests(query: dict[str, Any]):
    with reading("requests received"):
        return _page(queries.received(), query)


def _detail(request: Request) -> dict[str, Any]:
    names = ("id", "tenant_id", "topic", "requirements", "deadline", "all_children", "created_at")
    out = {name: getattr(request, name) for name in names}
    if request.tenant_id == current_tenant_id():
        out["answers"], out["own_items"] = queries.answers_by_child(request), []
    else:
        out["answers"] = queries.answers_by_child(request, child_tenant_id=current_tenant_id())
        out["own_items"] = [presenters.item_dict(i) for i in queries.own_answers(request)]
    return out


@api_route(
    bp,
    "/requests/<int:request_id>",
    summary="约稿详情：发出单位看各下级按时、逾期、未报；下级看本单位的报送",
    response=RequestDetailOut,
    permission=VIEW,
)
def get_request(request_id: int):
    with reading(f"request {request_id}"):
        return _detail(queries.request_or_404(request_id))
