"""The pages of 统计报表上报 under ``/t/<tenant>/rounds/``: the list (the rounds this
tenant opened, and its own submissions to its parent), opening a round, a round's
overview (submitted / late, totals over the snapshots, .xlsx and .docx), and a submission's
review page (the generated figures, the frozen ones and their difference, 上报)."""

from __future__ import annotations

from typing import Any

from flask import flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from marshmallow import EXCLUDE, Schema, fields, validate

from core import clock
from core.forms import load_form
from core.rollup.period import PeriodQuery, resolve
from core.rollup.service import available, compute, plugin_title
from core.rounds import exports, presenters, service
from core.rounds.figures import period_of
from core.rounds.models import RollupRound
from core.rounds.workflow import OPEN, SUBMISSION_FLOW, SUBMIT
from core.routing import require_permission, tenant_blueprint
from core.web.present import history_rows

bp = tenant_blueprint("rounds", __name__, kind="pages", prefix="/rounds")


class OpenForm(PeriodQuery):
    title = fields.String(required=True, validate=validate.Length(min=1, max=100))
    plugins = fields.List(fields.String(), required=True, validate=validate.Length(min=1))
    due_on = fields.Date(required=True)


class SubmitForm(Schema):
    class Meta:
        unknown = EXCLUDE  # the CSRF token

    notes = fields.String(load_default="", validate=validate.Length(max=2000))


class ReturnForm(Schema):
    class Meta:
        unknown = EXCLUDE

    comment = fields.String(required=True, validate=validate.Length(min=1, max=500))


def _allowed() -> None:
    if not (g.actor.can(OPEN) or g.actor.can(SUBMIT)):
        require_permission(OPEN)


def _index(form: dict[str, Any] | None = None, errors: dict | None = None, status: int = 200):
    return render_template(
        "rounds/index.html",
        rounds=service.rounds_of(g.tenant.id) if g.actor.can(OPEN) else [],
        mine=service.my_submissions(),
        flow=SUBMISSION_FLOW,
        offered=[(n, plugin_title(n)) for n in available(g.tenant)] if g.actor.can(OPEN) else [],
        form=form or {},
        errors=errors or {},
        this_year=clock.today().year,
    ), status


@bp.get("/")
def index():
    _allowed()
    return _index()


@bp.post("/")
def open_round():
    require_permission(OPEN)
    data, errors = load_form(OpenForm())
    if errors:
        return _index(data, errors, 422)
    try:
        opened = service.open_round(
            g.tenant, g.actor, data["title"], data["plugins"], resolve(data), data["due_on"]
        )
    except service.RoundError as exc:
        return _index(data, {"_": [str(exc)]}, 422)
    flash(_("已发起上报：%(t)s", t=opened.title), "success")
    return redirect(url_for(".round_page", round_id=opened.id))


def _round(round_id: int) -> tuple[service.Overview, list]:
    require_permission(OPEN)
    view = service.overview(g.tenant, round_id)
    parts = compute(g.tenant, period_of(view.round), plugins=view.round.plugins).plugins
    return view, parts


@bp.get("/<int:round_id>")
def round_page(round_id: int):
    view, parts = _round(round_id)
    return render_template(
        "rounds/round.html",
        view=view,
        tables=presenters.overview_tables(view, parts),
        state_title=presenters.state_title,
        submitted_at=presenters.submitted_at,
    )


@bp.get("/<int:round_id>/export.xlsx")
def round_workbook(round_id: int):
    view, parts = _round(round_id)
    return exports.workbook_response(view, parts)


@bp.get("/<int:round_id>/export.docx")
def round_report(round_id: int):
    view, parts = _round(round_id)
    return exports.report_response(g.tenant, view, parts)


@bp.post("/<int:round_id>/close")
def close_round(round_id: int):
    require_permission(OPEN)
    service.close(_owned(round_id), g.actor)
    flash(_("已结束征集。"), "success")
    return redirect(url_for(".round_page", round_id=round_id))


@bp.post("/<int:round_id>/return/<int:child_id>")
def return_submission(round_id: int, child_id: int):
    require_permission(OPEN)
    opened = _owned(round_id)
    data, errors = load_form(ReturnForm())
    if errors:
        flash(_("退回须填写说明。"), "danger")
        return redirect(url_for(".round_page", round_id=round_id)), 303
    service.return_submission(g.tenant, opened, child_id, g.actor, data["comment"])
    flash(_("已退回。"), "success")
    return redirect(url_for(".round_page", round_id=round_id))


def _owned(round_id: int) -> RollupRound:
    return service.overview(g.tenant, round_id).round  # another tenant's: 404


def _submission_page(submission_id: int, errors: dict | None = None, status: int = 200):
    draft = service.submission(submission_id)
    parts = compute(g.tenant, period_of(draft), plugins=draft.plugins).plugins
    live = service.live(g.tenant, draft)
    return render_template(
        "rounds/submission.html",
        draft=draft,
        flow=SUBMISSION_FLOW,
        history=history_rows(SUBMISSION_FLOW.history(draft)),
        comparison=presenters.comparison(parts, draft.figures, live),
        can_submit=g.actor.can(SUBMIT) and draft.state in ("draft", "returned"),
        errors=errors or {},
    ), status


@bp.get("/submissions/<int:submission_id>")
def submission_page(submission_id: int):
    _allowed()
    return _submission_page(submission_id)


@bp.post("/submissions/<int:submission_id>/submit")
def submit(submission_id: int):
    require_permission(SUBMIT)
    draft = service.submission(submission_id)
    data, errors = load_form(SubmitForm())
    if errors:
        return _submission_page(submission_id, errors, 422)
    service.submit(g.tenant, draft, g.actor, data["notes"])
    flash(_("已上报：%(t)s", t=draft.title), "success")
    return redirect(url_for(".submission_page", submission_id=submission_id))
