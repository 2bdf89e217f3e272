"""期刊: the tenant's bulletin titles and issues (compose an issue from adopted items —
order, editor's note, edited text — then publish it), the published issues of its
ancestors for a child, and an issue's print view and .docx."""

from __future__ import annotations

from typing import Any

from flask import abort, g, redirect, render_template, request, url_for

from core.api.pagination import BadCursor, keyset_page
from core.db import db
from core.exports import download_response
from core.forms import load_form
from core.routing import require_permission
from plugins.reporting import page_queries
from plugins.reporting.bulletins import documents, queries, services
from plugins.reporting.bulletins.schemas import BulletinIn, EntryIn, EntryPatch, IssueQuery
from plugins.reporting.bulletins.workflow import ISSUE_FLOW, ISSUE_STATES
from plugins.reporting.models import Bulletin, Issue
from plugins.reporting.permissions import ADOPT, VIEW
from plugins.reporting.schemas import BackToItem
from plugins.reporting.views.blueprint import act, bp, choices, posted, posted_comment, reading

PAGE_SIZE = 20


@bp.get("/issues")
def issues():
    require_permission(VIEW)
    filters, errors = load_form(IssueQuery(), request.args.to_dict())
    if errors:
        filters = {}
    with reading("issues"):
        try:
            page = keyset_page(
                queries.issues(filters), [Issue.id], cursor=filters.get("cursor"), limit=PAGE_SIZE
            )
        except BadCursor:
            abort(404)
        names = page_queries.tenant_names_of(i.tenant_id for i in page.items)
        return render_template(
            "reporting/issues.html",
            page=page,
            names=names,
            keep={k: v for k, v in request.args.items() if k in ("state", "year") and v},
            filters=request.args,
            states=choices(ISSUE_STATES),
            state_titles=ISSUE_STATES,
            bulletins=_bulletins() if g.actor.can(ADOPT) else [],
        )


def _bulletins() -> list[Bulletin]:
    return list(db.session.scalars(queries.bulletins().order_by(Bulletin.id)))


@bp.post("/bulletins")
def new_bulletin():
    require_permission(ADOPT)
    return act(lambda: services.create_bulletin(posted(BulletinIn())["title"]), url_for(".issues"))


@bp.post("/bulletins/<int:bulletin_id>/issues")
def new_issue(bulletin_id: int):
    require_permission(ADOPT)
    bulletin = queries.bulletin_or_404(bulletin_id)
    made: list[Issue] = []
    response = act(
        lambda: made.append(services.create_issue(bulletin, g.actor)), url_for(".issues")
    )
    if made:
        return redirect(url_for(".issue", issue_id=made[0].id)), 303
    return response


def _issue_context(issue_id: int) -> dict[str, Any]:
    with reading(f"issue {issue_id}"):
        issue = queries.issue_or_404(issue_id)
        detail = queries.issue_detail(issue)
        own = issue.tenant_id == g.tenant.id
        composing = own and issue.state == "draft" and g.actor.can(ADOPT)
        taken = {(e["item_tenant_id"], e["item_id"]) for e in detail["entries"]}
        candidates = [
            (s, i)
            for s, i in (page_queries.adopted_here() if composing else [])
            if (i.tenant_id, i.id) not in taken
        ]
        return {
            "issue": issue,
            "detail": detail,
            "own": own,
            "composing": composing,
            "candidates": candidates,
            "publish": ISSUE_FLOW.available(issue, g.actor) if composing else [],
            "publisher": page_queries.tenant_names_of([issue.tenant_id]).get(issue.tenant_id, ""),
        }


@bp.get("/issues/<int:issue_id>")
def issue(issue_id: int):
    require_permission(VIEW)
    return render_template("reporting/issue.html", **_issue_context(issue_id))


@bp.get("/issues/<int:issue_id>/print")
def issue_print(issue_id: int):
    require_permission(VIEW)
    return render_template("reporting/issue_print.html", **_issue_context(issue_id))


@bp.get("/issues/<int:issue_id>/docx")
def issue_docx(issue_id: int):
    require_permission(VIEW)
    with reading(f"issue {issue_id}: docx"):
        detail = queries.issue_detail(queries.issue_or_404(issue_id))
        data = documents.issue_docx(detail)
    return download_response(data, detail["label"], "docx")


def _own_issue(issue_id: int) -> Issue:
    return queries.issue_or_404(issue_id)  # the tenant's own rows: another's is a 404


@bp.post("/issues/<int:issue_id>/entries")
def add_entry(issue_id: int):
    require_permission(ADOPT)
    issue = _own_issue(issue_id)
    back, errors = load_form(BackToItem())
    # Put in from the item page: back there; from the issue page: back to the issue.
    target = (
        url_for(".item", item_id=back["item_id"])
        if not errors and back["item_id"] is not None
        else url_for(".issue", issue_id=issue_id)
    )
    return act(lambda: services.add_entry(issue, posted(EntryIn())), target)


@bp.post("/issues/<int:issue_id>/entries/<int:entry_id>")
def update_entry(issue_id: int, entry_id: int):
    require_permission(ADOPT)
    issue = _own_issue(issue_id)
    entry = queries.entry_or_404(issue, entry_id)
    return act(
        lambda: services.update_entry(issue, entry, posted(EntryPatch())),
        url_for(".issue", issue_id=issue_id),
    )


@bp.post("/issues/<int:issue_id>/entries/<int:entry_id>/remove")
def remove_entry(issue_id: int, entry_id: int):
    require_permission(ADOPT)
    issue = _own_issue(issue_id)
    entry = queries.entry_or_404(issue, entry_id)
    return act(lambda: services.remove_entry(issue, entry), url_for(".issue", issue_id=issue_id))


@bp.post("/issues/<int:issue_id>/transitions/publish")
def publish_issue(issue_id: int):
    require_permission(ADOPT)
    issue = _own_issue(issue_id)
    return act(
        lambda: services.publish(issue, g.actor, comment=posted_comment()),
        url_for(".issue", issue_id=issue_id),
    )
