"""信访老户 (long-term petitioners) page by page: the list with each person's leader in
charge and next review, assigning the leader and the review cycle (approvers), and
recording a periodic review (the leader in charge, or an approver)."""

from __future__ import annotations

from typing import Any

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import select

from core.api.messages import localize
from core.api.pagination import BadCursor
from core.auth.models import Membership
from core.db import db
from core.deadlines import deadline
from core.forms import as_typed, load_form
from core.plugins.settings import resolved_settings
from core.routing import require_permission
from plugins.petitions.confidentiality import masked_key
from plugins.petitions.permissions import APPROVE, VIEW
from plugins.petitions.queries.petitions import LONGTERM, longterm_or_404
from plugins.petitions.schemas.links import LongtermForm, LongtermListForm, ReviewIn
from plugins.petitions.services import longterm
from plugins.petitions.views.blueprint import bp


def _leader_options() -> list[tuple[int, str, bool]]:
    """Every active member of the tenant: whoever the department puts in charge."""
    rows = db.session.scalars(select(Membership).where(Membership.is_active))
    return sorted(((m.user_id, m.user.display_name, False) for m in rows), key=lambda o: o[1])


def _page(
    failed: int | None = None,
    errors: dict[str, Any] | None = None,
    status: int = 200,
    form: dict[str, Any] | None = None,
) -> Any:
    args = request.args.to_dict()
    filters, bad = load_form(LongtermListForm(), args)
    if bad:
        filters = LongtermListForm().load({})
    try:
        page = LONGTERM.page(filters)
    except BadCursor:
        args.pop("cursor", None)
        page = LONGTERM.page({**filters, "cursor": None})
    options = _leader_options()
    window = resolved_settings(g.tenant, "petitions")["warning_days"]
    next_url = url_for(".longterm_list", **{**args, "cursor": page.next_cursor})
    return render_template(
        "petitions/longterm.html",
        rows=page.items,
        args=args,
        next_url=next_url if page.next_cursor else None,
        masked_key=masked_key,
        reviews={
            r.id: deadline(r.next_review_on, g.tenant, window=window)
            for r in page.items
            if r.is_active and r.next_review_on
        },
        leader_options=options,
        leader_names={value: name for value, name, _disabled in options},
        may_manage=g.actor.can(APPROVE),
        failed=failed,
        form=form or {},
        errors=errors or {},
    ), status


@bp.get("/longterm")
def longterm_list():
    require_permission(VIEW)
    return _page()


def _done(message: str) -> Any:
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(".longterm_list", **request.args))


@bp.post("/longterm/<int:record_id>")
def longterm_update(record_id: int):
    require_permission(APPROVE)
    row = longterm_or_404(record_id)
    data, errors = load_form(LongtermForm())
    if errors:
        return _page(record_id, errors, 422, data)
    try:
        longterm.update_record(row, data)
    except ValidationError as exc:
        db.session.rollback()
        return _page(record_id, localize(exc.messages), 422, as_typed(LongtermForm()))
    return _done(_("已保存包案信息。"))


@bp.post("/longterm/<int:record_id>/review")
def longterm_review(record_id: int):
    require_permission(VIEW)
    row = longterm_or_404(record_id)
    data, errors = load_form(ReviewIn(unknown="exclude"))
    if errors:
        return _page(record_id, errors, 422, data)
    try:
        longterm.record_review(row, g.actor, data["note"].strip())
    except ValidationError as exc:
        db.session.rollback()
        return _page(record_id, localize(exc.messages), 422, as_typed(ReviewIn(unknown="exclude")))
    return _done(_("已记录定期研判。"))
