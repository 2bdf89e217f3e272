"""积分排名: the live ranking of the tenant's children and authors for a month, quarter or
year, with the charts (monthly adoptions per child, scores); publishing it as a 通报; the
published rankings — a child sees those published to it, with its own line and authors
only — and their .docx and .xlsx."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from core import clock
from core.api.pagination import BadCursor, keyset_page
from core.db import db
from core.exports import download_response
from core.forms import load_form
from core.routing import require_permission
from plugins.reporting import page_queries
from plugins.reporting.models import PERIODS
from plugins.reporting.permissions import RANK, VIEW
from plugins.reporting.schemas import PeriodBack
from plugins.reporting.scoring import documents, queries, services
from plugins.reporting.scoring.models import Ranking
from plugins.reporting.scoring.periods import PERIOD_COUNT, period
from plugins.reporting.scoring.schemas import PeriodQuery, PublishIn
from plugins.reporting.views.blueprint import bp, flat, messages_of, posted, reading

PAGE_SIZE = 20


def _chosen() -> tuple[Any, dict[str, Any], dict[str, Any]]:
    """The period asked for (this year by default), the form as typed, its errors."""
    values = {"year": str(clock.today().year), **request.args.to_dict()}
    data, errors = load_form(PeriodQuery(), values)
    if not errors:
        try:
            return period(data["period"], data["year"], data.get("number")), values, {}
        except ValidationError as exc:
            errors = messages_of(exc)
    return period("year", clock.today().year), values, errors


@bp.get("/ranking")
def ranking():
    require_permission(RANK)
    chosen, form, errors = _chosen()
    # One audited opening for the page's three reads (children, authors, the chart).
    with reading(f"ranking page {chosen.kind} {chosen.year}/{chosen.number}"):
        lines = services.live_ranking(chosen)
        authors = services.live_author_ranking(chosen)
        monthly = page_queries.monthly_adoptions(chosen.year)
    return render_template(
        "reporting/ranking.html",
        chosen=chosen,
        form=form,
        errors=errors,
        lines=lines,
        authors=authors,
        chart={
            "scores": [{"title": r["name"], "count": r["score"]} for r in lines],
            "monthly": monthly,
        },
        periods=[(k, _(PERIODS[k])) for k in PERIOD_COUNT],
    ), (422 if errors else 200)


@bp.post("/rankings")
def publish():
    require_permission(RANK)
    try:
        data = posted(PublishIn())
        ranking = services.publish_ranking(
            period(data["period"], data["year"], data.get("number")), g.actor
        )
    except ValidationError as exc:
        db.session.rollback()
        flash("；".join(flat(messages_of(exc))), "danger")
        shown, _errors = load_form(PeriodBack())
        asked = {k: shown[k] for k in ("period", "year", "number") if shown[k]}
        return redirect(url_for(".ranking", **asked)), 303
    flash(_("已发布排名通报"), "success")
    return redirect(url_for(".published", ranking_id=ranking.id)), 303


@bp.get("/rankings")
def rankings():
    require_permission(VIEW)
    with reading("rankings"):
        try:
            page = keyset_page(
                queries.rankings(), [Ranking.id], cursor=request.args.get("cursor"), limit=PAGE_SIZE
            )
        except BadCursor:
            abort(404)
        names = page_queries.tenant_names_of(r.tenant_id for r in page.items)
        return render_template("reporting/rankings.html", page=page, names=names, keep={})


def _detail(ranking_id: int) -> dict[str, Any]:
    with reading(f"ranking {ranking_id}"):
        return queries.ranking_detail(queries.ranking_or_404(ranking_id))


@bp.get("/rankings/<int:ranking_id>")
def published(ranking_id: int):
    require_permission(VIEW)
    detail = _detail(ranking_id)
    return render_template(
        "reporting/ranking_detail.html",
        detail=detail,
        own=detail["tenant_id"] == g.tenant.id,
        mine=[line for line in detail["lines"] if line["child_tenant_id"] == g.tenant.id],
    )


@bp.get("/rankings/<int:ranking_id>/<any(docx, xlsx):fmt>")
def published_file(ranking_id: int, fmt: str):
    require_permission(VIEW)
    detail = _detail(ranking_id)
    render = documents.ranking_docx if fmt == "docx" else documents.ranking_xlsx
    return download_response(render(detail), documents.filename(detail), fmt)
