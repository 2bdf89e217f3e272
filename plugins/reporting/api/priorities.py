"""信息要点: an upper level keeps its priorities (list, add, edit, retire and restore, its
history); a lower level reads those its ancestors offer, to tag its items with."""

from __future__ import annotations

from typing import Any

from core import clock
from core.api.routes import api_route
from core.api.transitions import StateChangeOut, transition_routes
from core.auth.users import current_actor
from plugins.reporting.api.blueprint import bp
from plugins.reporting.permissions import ADOPT, VIEW
from plugins.reporting.priorities import queries, services
from plugins.reporting.priorities.schemas import PriorityIn, PriorityOut, PriorityQuery
from plugins.reporting.priorities.workflow import PRIORITY_FLOW


@api_route(
    bp,
    "/priorities",
    summary="本单位的信息要点（按年度，默认今年）",
    query=PriorityQuery,
    response=PriorityOut,
    many=True,
    permission=ADOPT,
)
def list_priorities(query: dict[str, Any]):
    year = query.get("year") or clock.today().year
    return [queries.priority_dict(p) for p in queries.own_priorities(year)]


@api_route(
    bp,
    "/priorities/offered",
    summary="上级单位本年度在用的信息要点（供本单位的信息标注）",
    query=PriorityQuery,
    response=PriorityOut,
    many=True,
    permission=VIEW,
)
def offered_priorities(query: dict[str, Any]):
    return queries.offered(query.get("year") or clock.today().year)


@api_route(
    bp,
    "/priorities",
    methods=["POST"],
    summary="新增信息要点",
    body=PriorityIn,
    response=PriorityOut,
    status=201,
    permission=ADOPT,
)
def create_priority(body: dict[str, Any]):
    return queries.priority_dict(services.create_priority(body, current_actor()))


@api_route(
    bp,
    "/priorities/<int:priority_id>",
    methods=["PATCH"],
    summary="修改信息要点（标题、年度）",
    body=PriorityIn(partial=True),
    response=PriorityOut,
    permission=ADOPT,
)
def update_priority(body: dict[str, Any], priority_id: int):
    priority = queries.priority_or_404(priority_id)
    return queries.priority_dict(services.update_priority(priority, body, current_actor()))


transition_routes(
    bp,
    PRIORITY_FLOW,
    records="/priorities",
    id_arg="priority_id",
    lookup=queries.priority_or_404,
    present=queries.priority_dict,
    response=PriorityOut,
    permission=ADOPT,
)


@api_route(
    bp,
    "/priorities/<int:priority_id>/history",
    summary="信息要点的变更记录（新增、修改、停用、重新启用）",
    response=StateChangeOut,
    many=True,
    permission=ADOPT,
)
def priority_history(priority_id: int):
    return queries.history_of(queries.priority_or_404(priority_id))
