"""我的报送, the item form (create and edit), the item page with its moves and chain, a
leader's instruction, and the print view."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import EXCLUDE, ValidationError

from core import clock
from core.api.pagination import BadCursor, keyset_page
from core.attachments.services import attachments_of, save_all
from core.db import db
from core.forms import as_typed, load_form
from core.routing import require_permission
from core.workflow import WorkflowError
from plugins.reporting import page_queries, queries, services
from plugins.reporting.attachments import ITEM_FILES, file_of, file_response
from plugins.reporting.bulletins.services import ADOPTED
from plugins.reporting.commissions.queries import received as received_requests
from plugins.reporting.deadlines import aware
from plugins.reporting.diffs import version_differences
from plugins.reporting.models import (
    CATEGORIES,
    DOC_TYPES,
    INCIDENT_STAGES,
    LEVELS,
    ReportItem,
    Submission,
)
from plugins.reporting.permissions import ADOPT, APPROVE, VIEW, WRITE
from plugins.reporting.priorities.queries import offered, tags_of
from plugins.reporting.schemas import InstructionIn, ItemIn, MineQuery
from plugins.reporting.views.blueprint import (
    act,
    bp,
    choices,
    messages_of,
    posted,
    posted_comment,
    reading,
)
from plugins.reporting.workflow import (
    ITEM_FLOW,
    ITEM_STATES,
    NOTE_TITLES,
    SUBMISSION_FLOW,
    SUBMISSION_STATES,
    is_linked,
)

PAGE_SIZE = 20
ITEM_FIELDS = ["title", "body", "category", "doc_type", "pen_name", "pen_phone", "author_ids"]
FORM_ONLY = ["request_id", "files", "priority_ids"]
INCIDENT_FIELDS = ["occurred_at", "incident_stage", "chain_parent_id"]


@bp.get("/")
def mine():
    require_permission(VIEW)
    filters, errors = load_form(MineQuery(), request.args.to_dict())
    if errors:
        filters = {"limit": PAGE_SIZE}
    try:
        page = keyset_page(
            queries.my_items(filters),
            [ReportItem.id],
            cursor=filters.get("cursor"),
            limit=PAGE_SIZE,
        )
    except BadCursor:
        abort(404)
    return render_template(
        "reporting/mine.html",
        page=page,
        filters=request.args,
        keep={k: v for k, v in request.args.items() if k in ("state", "category") and v},
        states=choices(ITEM_STATES),
        categories=choices(CATEGORIES),
        category_titles=CATEGORIES,
        state_titles=ITEM_STATES,
    )


def _form_page(form: dict[str, Any], errors: dict[str, Any], item: ReportItem | None):
    return render_template(
        "reporting/item_form.html",
        form=form,
        errors=errors,
        item=item,
        known=ITEM_FIELDS + INCIDENT_FIELDS + FORM_ONLY,
        people=[(u.id, u.display_name, False) for u in page_queries.tenant_people()],
        categories=choices(CATEGORIES),
        doc_types=choices(DOC_TYPES),
        stages=choices(INCIDENT_STAGES),
        earlier=[(i.id, f"{i.serial} {i.title}", False) for i in page_queries.incidents()],
        requests=_requests(),
        priorities=offered(item.year if item is not None else clock.today().year),
    ), (422 if errors else 200)


def _requests() -> list[tuple[int, str, bool]]:
    """The parent's 约稿 this tenant may answer with the item."""
    with reading("item form: requests to answer"):
        return [(r.id, r.topic, False) for r in db.session.scalars(received_requests())]


def _save(
    item: ReportItem | None,
) -> tuple[ReportItem | None, dict[str, Any], dict[str, Any]]:
    """The posted form saved as a new item or onto ``item``, its files attached; or the
    errors by field (and nothing kept). The middle value is the form to show again."""
    schema = ItemIn(unknown=EXCLUDE)
    data, errors = load_form(schema)
    if errors:
        return None, data, errors
    if request.form.get("priorities_shown"):
        data.setdefault("priority_ids", [])  # none ticked: the item has no tags
    try:
        if item is None:
            item = services.create_item(data, g.actor)
        else:
            services.update_item(item, data, g.actor)
        save_all(ITEM_FILES.name, item.id, request.files.getlist("files"), g.actor.user_id)
        return item, data, {}
    except ValidationError as exc:
        db.session.rollback()
        return None, as_typed(schema), messages_of(exc)
    except WorkflowError as exc:
        return None, as_typed(schema), {"_": [exc.message]}


@bp.route("/items/new", methods=["GET", "POST"])
def new_item():
    require_permission(WRITE)
    form: dict[str, Any] = {
        "category": "news",
        "doc_type": "brief",
        "author_ids": [g.actor.user_id],
    }
    errors: dict[str, Any] = {}
    if request.method == "POST":
        item, form, errors = _save(None)
        if item is not None:
            flash(_("已保存草稿：%(serial)s", serial=item.serial), "success")
            return redirect(url_for(".item", item_id=item.id)), 303
    return _form_page(form, errors, None)


@bp.route("/items/<int:item_id>/edit", methods=["GET", "POST"])
def edit_item(item_id: int):
    require_permission(WRITE)
    item = queries.item_or_404(item_id)
    if item.state not in services.EDITABLE:
        flash(_("只有草稿或退回修改的信息可以编辑"), "danger")
        return redirect(url_for(".item", item_id=item.id)), 303
    form = {name: getattr(item, name) for name in ITEM_FIELDS[:-1] + INCIDENT_FIELDS}
    form["author_ids"] = page_queries.author_ids(item)
    form["request_id"] = item.request_id
    form["priority_ids"] = [t["priority_id"] for t in tags_of([item.id]).get(item.id, [])]
    if form["occurred_at"] is not None:
        form["occurred_at"] = _local_input(form["occurred_at"])
    errors: dict[str, Any] = {}
    if request.method == "POST":
        saved, form, errors = _save(item)
        if saved is not None:
            flash(_("已保存修改"), "success")
            return redirect(url_for(".item", item_id=item.id)), 303
    return _form_page(form, errors, item)


def _local_input(value: datetime) -> str:
    """A stored time as a ``datetime-local`` input shows it (Beijing time)."""
    return aware(value).astimezone(clock.TZ).strftime("%Y-%m-%dT%H:%M")


def _item_context(item: ReportItem) -> dict[str, Any]:
    """What the item page and its print view show: the item, its chain and the moves
    the user can make here (as its owner, or as the level that received it)."""
    chain = queries.chain_of(item)
    own = item.tenant_id == g.tenant.id
    received = None if own else queries.received_submission(item)
    return {
        "item": item,
        "own": own,
        "authors": page_queries.author_names(item),
        "tags": tags_of([item.id]).get(item.id, []),
        "chain": chain,
        "diffs": version_differences(chain.versions),
        # A level the item reached reads its files through its grant on them.
        "files": attachments_of(ITEM_FILES.name, item.id) if own or received else [],
        "history": ITEM_FLOW.history(item) if own else [],
        # Each level's decisions with their comments (退回修改's reason reaches the writer).
        "remarks": [
            (sub, h) for sub in chain.submissions for h in SUBMISSION_FLOW.history(sub) if h.comment
        ],
        "item_moves": _moves(ITEM_FLOW, item) if own else [],
        "received": received,
        "decisions": _moves(SUBMISSION_FLOW, received) if received is not None else [],
        "may_instruct": g.actor.can(APPROVE) and (own or received is not None),
        "issues": _issues_for(received),
        "followups": page_queries.incident_followups(item) if item.category == "incident" else [],
        "tenant_names": page_queries.tenant_names(chain.submissions, chain.instructions),
        "item_states": ITEM_STATES,
        "submission_states": SUBMISSION_STATES,
        "note_titles": NOTE_TITLES,
        "categories": CATEGORIES,
        "doc_types": DOC_TYPES,
        "stages": INCIDENT_STAGES,
        "levels": LEVELS,
        "download_url": lambda f: url_for(".item_file", item_id=item.id, attachment_id=f.id),
    }


def _issues_for(received: Submission | None) -> list:
    """The draft issues an item this tenant adopted can go into (编入期刊)."""
    if received is None or received.state not in ADOPTED or not g.actor.can(ADOPT):
        return []
    return page_queries.draft_issues()


def _moves(flow, record) -> list:
    """The moves offered on a page: what the user may do now, never the linked ones."""
    return [t for t in flow.available(record, g.actor, {"comment": "…"}) if not is_linked(t)]


@bp.get("/items/<int:item_id>")
def item(item_id: int):
    require_permission(VIEW)
    with reading(f"item {item_id}"):
        record = queries.item_or_404(item_id)
        return render_template(
            "reporting/item.html", **_item_context(record), level_choices=choices(LEVELS)
        )


@bp.get("/items/<int:item_id>/files/<int:attachment_id>")
def item_file(item_id: int, attachment_id: int):
    """One of the item's files: its own tenant's, or a level's the item was submitted or
    forwarded to (through the grant); anyone else gets a 404."""
    require_permission(VIEW)
    with reading(f"item {item_id}: file {attachment_id}"):
        record = queries.item_or_404(item_id)
        return file_response(file_of(record, attachment_id))


@bp.get("/items/<int:item_id>/print")
def item_print(item_id: int):
    require_permission(VIEW)
    with reading(f"item {item_id}: print"):
        record = queries.item_or_404(item_id)
        return render_template("reporting/item_print.html", **_item_context(record))


MOVES = {t.name for t in ITEM_FLOW.transitions if not is_linked(t)}


@bp.post("/items/<int:item_id>/transitions/<name>")
def item_move(item_id: int, name: str):
    require_permission(VIEW)
    if name not in MOVES:
        abort(404)
    item = queries.item_or_404(item_id)
    return act(
        lambda: services.move_item(item, name, g.actor, comment=posted_comment()),
        url_for(".item", item_id=item_id),
    )


@bp.post("/items/<int:item_id>/instructions")
def add_instruction(item_id: int):
    require_permission(APPROVE)
    with reading(f"item {item_id}: instruction"):
        item = queries.item_or_404(item_id)
    return act(
        lambda: services.record_instruction(item, posted(InstructionIn()), g.actor),
        url_for(".item", item_id=item_id),
    )
