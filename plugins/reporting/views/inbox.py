"""收件箱: what the children submitted (and forwarded) to this tenant, with filters, and a
level's decisions on one submission (return with a comment, decline, adopt, forward)."""

from __future__ import annotations

from flask import abort, g, render_template, request, url_for

from core import clock
from core.api.pagination import BadCursor, keyset_page
from core.forms import load_form
from core.routing import require_permission
from plugins.reporting import page_queries, queries, services
from plugins.reporting.models import CATEGORIES, DOC_TYPES, Submission
from plugins.reporting.permissions import ADOPT
from plugins.reporting.priorities.queries import offered, own_priorities, tags_of
from plugins.reporting.schemas import InboxQuery
from plugins.reporting.views.blueprint import act, bp, choices, posted_comment, reading
from plugins.reporting.workflow import SUBMISSION_FLOW, SUBMISSION_STATES, is_linked

PAGE_SIZE = 20
FILTERS = ("child_tenant_id", "category", "state", "priority_id", "since", "until")
DECISIONS = {t.name for t in SUBMISSION_FLOW.transitions if not is_linked(t)}


@bp.get("/inbox")
def inbox():
    require_permission(ADOPT)
    filters, errors = load_form(InboxQuery(), request.args.to_dict())
    if errors:
        filters = {}
    with reading("inbox"):
        try:
            page = keyset_page(
                queries.inbox(filters),
                [Submission.id],
                cursor=filters.get("cursor"),
                limit=PAGE_SIZE,
            )
        except BadCursor:
            abort(404)
        items = queries.items_of(page.items)
        tags = tags_of(items)
        children = page_queries.child_tenants()
        return render_template(
            "reporting/inbox.html",
            page=page,
            items=items,
            tags=tags,
            priorities=_tag_choices(),
            errors=errors,
            filters=request.args,
            keep={k: v for k, v in request.args.items() if k in FILTERS and v},
            children=[(t.id, t.name, False) for t in children],
            names={t.id: t.name for t in children},
            categories=choices(CATEGORIES),
            category_titles=CATEGORIES,
            doc_types=DOC_TYPES,
            states=choices(SUBMISSION_STATES),
            submission_states=SUBMISSION_STATES,
        )


def _tag_choices() -> list[tuple[int, str, bool]]:
    """The priorities an item here can be tagged with: this level's own of the year, and
    those of its ancestors (an item forwarded from further down may carry them)."""
    year = clock.today().year
    own = [(p.id, p.title, False) for p in own_priorities(year)]
    above = [(p["id"], f"{p['title']}（{p['tenant_name']}）", False) for p in offered(year)]
    return own + above


@bp.post("/submissions/<int:submission_id>/transitions/<name>")
def decide(submission_id: int, name: str):
    require_permission(ADOPT)
    if name not in DECISIONS:
        abort(404)
    with reading(f"submission {submission_id}"):
        submission = queries.submission_or_404(submission_id)
    return act(
        lambda: services.decide(submission, name, g.actor, comment=posted_comment()),
        url_for(".item", item_id=submission.item_id),
    )
