"""期刊: bulletin titles, issues, their entries, publishing and the printed .docx.
Composing is the publisher's (ADOPT); a descendant reads the published issues of its
ancestors (VIEW), granted at publication; anything else answers 404."""

from __future__ import annotations

from typing import Any

from core.api.pagination import Page, keyset_page
from core.api.routes import api_route
from core.api.transitions import transition_routes
from core.auth.users import current_actor
from core.exports import MIMETYPES, download_response
from plugins.reporting.api.blueprint import bp, reading
from plugins.reporting.bulletins import documents, queries, services
from plugins.reporting.bulletins.schemas import (
    BulletinIn,
    BulletinOut,
    EntryIn,
    EntryOut,
    EntryPatch,
    IssueDetailOut,
    IssueIn,
    IssueOut,
    IssueQuery,
)
from plugins.reporting.bulletins.workflow import ISSUE_FLOW
from plugins.reporting.models import Issue
from plugins.reporting.permissions import ADOPT, VIEW


@api_route(
    bp, "/bulletins", summary="本单位的期刊", response=BulletinOut, many=True, permission=ADOPT
)
def list_bulletins():
    from core.db import db

    return list(db.session.scalars(queries.bulletins().order_by("id")))


@api_route(
    bp,
    "/bulletins",
    methods=["POST"],
    summary="新建期刊（如《示范组工信息》）",
    body=BulletinIn,
    response=BulletinOut,
    status=201,
    permission=ADOPT,
)
def create_bulletin(body: dict[str, Any]):
    return services.create_bulletin(body["title"])


@api_route(
    bp,
    "/bulletins/<int:bulletin_id>/issues",
    methods=["POST"],
    summary="新编一期（按期刊和年度连续编号）",
    body=IssueIn,
    response=IssueOut,
    status=201,
    permission=ADOPT,
)
def create_issue(body: dict[str, Any], bulletin_id: int):
    bulletin = queries.bulletin_or_404(bulletin_id)
    return queries.issue_dict(services.create_issue(bulletin, current_actor(), body.get("year")))


@api_route(
    bp,
    "/issues",
    summary="期刊各期：本单位编的，及上级已发布的（游标分页）",
    query=IssueQuery,
    response=IssueOut,
    paginated=True,
    permission=VIEW,
)
def list_issues(query: dict[str, Any]):
    with reading("issues"):
        page = keyset_page(
            queries.issues(query), [Issue.id], cursor=query.get("cursor"), limit=query["limit"]
        )
        return Page(items=[queries.issue_dict(i) for i in page.items], next_cursor=page.next_cursor)


@api_route(
    bp,
    "/issues/<int:issue_id>",
    summary="一期期刊及其编入的信息",
    response=IssueDetailOut,
    permission=VIEW,
)
def get_issue(issue_id: int):
    with reading(f"issue {issue_id}"):
        return queries.issue_detail(queries.issue_or_404(issue_id))


@api_route(
    bp,
    "/issues/<int:issue_id>/docx",
    summary="打印一期期刊（.docx，可替换模板）",
    raw_response=MIMETYPES["docx"],
    permission=VIEW,
)
def issue_docx(issue_id: int):
    with reading(f"issue {issue_id}: docx"):
        detail = queries.issue_detail(queries.issue_or_404(issue_id))
        data = documents.issue_docx(detail)
    return download_response(data, detail["label"], "docx")


@api_route(
    bp,
    "/issues/<int:issue_id>/entries",
    methods=["POST"],
    summary="编入一条本单位采用的信息（可加编者按、改写标题和正文，原文不变）",
    body=EntryIn,
    response=EntryOut,
    status=201,
    permission=ADOPT,
)
def add_entry(body: dict[str, Any], issue_id: int):
    issue = queries.issue_or_404(issue_id)
    entry = services.add_entry(issue, body)
    return _entry(issue, entry.id)


def _entry(issue: Issue, entry_id: int) -> dict[str, Any]:
    return next(e for e in queries.issue_detail(issue)["entries"] if e["id"] == entry_id)


@api_route(
    bp,
    "/issues/<int:issue_id>/entries/<int:entry_id>",
    methods=["PATCH"],
    summary="修改编入的信息（顺序、编者按、编辑后的标题和正文）",
    body=EntryPatch,
    response=EntryOut,
    permission=ADOPT,
)
def update_entry(body: dict[str, Any], issue_id: int, entry_id: int):
    issue = queries.issue_or_404(issue_id)
    services.update_entry(issue, queries.entry_or_404(issue, entry_id), body)
    return _entry(issue, entry_id)


@api_route(
    bp,
    "/issues/<int:issue_id>/entries/<int:entry_id>",
    methods=["DELETE"],
    summary="从本期撤下一条信息",
    status=204,
    permission=ADOPT,
)
def remove_entry(issue_id: int, entry_id: int):
    issue = queries.issue_or_404(issue_id)
    services.remove_entry(issue, queries.entry_or_404(issue, entry_id))
    return None


def _publish(issue: Issue, name: str, actor: Any, body: dict[str, Any]) -> Any:
    return services.publish(issue, actor, comment=body.get("comment"))


transition_routes(
    bp,
    ISSUE_FLOW,
    records="/issues",
    id_arg="issue_id",
    lookup=queries.issue_or_404,
    present=queries.issue_dict,
    response=IssueOut,
    permission=ADOPT,
    fire=_publish,
)
