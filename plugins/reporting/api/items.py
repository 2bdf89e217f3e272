"""Items, the inbox, instructions and the moves: thin routes over services and queries.
Reads of what children submitted run in a granted scope (audited); another tenant's item
that was never sent here answers 404 like a missing one."""

from __future__ import annotations

from typing import Any

from core.api.listing import Listing
from core.api.routes import api_route
from core.api.transitions import transition_routes
from core.auth.users import current_actor
from plugins.reporting import presenters, queries, services
from plugins.reporting.api.blueprint import bp
from plugins.reporting.api.blueprint import reading as _reading
from plugins.reporting.models import ReportItem, Submission
from plugins.reporting.permissions import ADOPT, APPROVE, VIEW, WRITE
from plugins.reporting.priorities.queries import tags_of
from plugins.reporting.schemas import (
    InboxQuery,
    InboxRowOut,
    InstructionIn,
    InstructionOut,
    ItemDetailOut,
    ItemIn,
    ItemOut,
    MineQuery,
    SubmissionOut,
)
from plugins.reporting.workflow import ITEM_FLOW, SUBMISSION_FLOW, is_linked


def _inbox_rows(submissions: list[Submission]) -> list[dict[str, Any]]:
    items = queries.items_of(submissions)  # one query each: the items, names, tags
    names = queries.tenant_names(
        [t for s in submissions for t in (s.sender_tenant_id, s.receiver_tenant_id)]
    )
    tags = tags_of(items)
    return [
        presenters.submission_dict(s, items[s.item_id], names, tags.get(s.item_id))
        for s in submissions
    ]


def _my_rows(items: list[ReportItem]) -> list[dict[str, Any]]:
    tags = tags_of(i.id for i in items)
    return [presenters.item_dict(i, tags.get(i.id, [])) for i in items]


#: 我的报送 and the 收件箱, newest first (core.api.listing).
MINE = Listing(
    statement=queries.my_items,
    keys=(ReportItem.id,),
    present=_my_rows,
)
INBOX = Listing(statement=queries.inbox, keys=(Submission.id,), present=_inbox_rows)


@api_route(
    bp,
    "/items",
    summary="我的报送：本单位的信息（游标分页，可按状态、类别筛选）",
    query=MineQuery,
    response=ItemOut,
    paginated=True,
    permission=VIEW,
)
def list_items(query: dict[str, Any]):
    return MINE.page(query)


@api_route(
    bp,
    "/items",
    methods=["POST"],
    summary="撰写信息（草稿）",
    body=ItemIn,
    response=ItemOut,
    status=201,
    permission=WRITE,
)
def create_item(body: dict[str, Any]):
    return presenters.item_dict(services.create_item(body, current_actor()))


@api_route(
    bp,
    "/items/<int:item_id>",
    summary="信息详情及其报送链（各级采用、领导批示、历次版本）",
    response=ItemDetailOut,
    permission=VIEW,
)
def get_item(item_id: int):
    with _reading(f"item {item_id}"):
        item = queries.item_or_404(item_id)
        return presenters.item_detail(item, queries.chain_of(item))


@api_route(
    bp,
    "/items/<int:item_id>",
    methods=["PATCH"],
    summary="修改草稿或退回修改的信息",
    body=ItemIn(partial=True),
    response=ItemOut,
    permission=WRITE,
)
def update_item(body: dict[str, Any], item_id: int):
    item = queries.item_or_404(item_id)
    return presenters.item_dict(services.update_item(item, body, current_actor()))


@api_route(
    bp,
    "/items/<int:item_id>/instructions",
    methods=["POST"],
    summary="登记领导批示（本单位或信息报送到的上级单位）",
    body=InstructionIn,
    response=InstructionOut,
    status=201,
    permission=APPROVE,
)
def add_instruction(body: dict[str, Any], item_id: int):
    with _reading(f"item {item_id}: instruction"):
        item = queries.item_or_404(item_id)
    return services.record_instruction(item, body, current_actor())


@api_route(
    bp,
    "/inbox",
    summary="收件箱：下级报送到本单位的信息（可按报送单位、类别、状态、报送时间筛选）",
    query=InboxQuery,
    response=InboxRowOut,
    paginated=True,
    permission=ADOPT,
)
def inbox(query: dict[str, Any]):
    with _reading("inbox"):
        return INBOX.page(query)


def _submission(submission_id: int) -> Submission:
    with _reading(f"submission {submission_id}"):
        return queries.submission_or_404(submission_id)


def _decide(submission: Submission, name: str, actor: Any, body: dict[str, Any]) -> Any:
    return services.decide(submission, name, actor, comment=body.get("comment"))


transition_routes(
    bp,
    ITEM_FLOW,
    records="/items",
    id_arg="item_id",
    lookup=queries.item_or_404,
    present=presenters.item_dict,
    response=ItemOut,
    permission=VIEW,
    include=lambda transition: not is_linked(transition),
)

transition_routes(
    bp,
    SUBMISSION_FLOW,
    records="/submissions",
    id_arg="submission_id",
    lookup=_submission,
    present=presenters.submission_dict,
    response=SubmissionOut,
    permission=ADOPT,
    fire=_decide,
    include=lambda transition: not is_linked(transition),
)
