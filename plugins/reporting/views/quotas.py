"""Quotas (任务数): the completion of every quota of a period the tenant can see, as
progress bars — the parent sees each child's, a child its own — and, for the parent,
setting a child's quota (a total and minimums per kind)."""

from __future__ import annotations

from typing import Any

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import EXCLUDE, ValidationError

from core.db import db
from core.forms import as_typed, load_form
from core.routing import require_permission
from plugins.reporting.commissions.services import reporting_children
from plugins.reporting.models import CATEGORIES, PERIODS
from plugins.reporting.page_queries import current_quarter, tenant_names_of
from plugins.reporting.permissions import ADOPT, VIEW
from plugins.reporting.quotas import queries, services
from plugins.reporting.quotas.schemas import QuotaIn, QuotaQuery
from plugins.reporting.schemas import PeriodBack
from plugins.reporting.scoring.periods import PERIOD_COUNT, Period, period
from plugins.reporting.views.blueprint import bp, choices, messages_of, reading

#: Rows of kinds the quota form offers (blank rows are dropped).
PART_ROWS = 3


def chosen_period(args: dict[str, Any]) -> tuple[Period, dict[str, Any]]:
    """The period asked for (this quarter by default) and the errors of the asking."""
    if not args:
        return current_quarter(), {}
    data, errors = load_form(QuotaQuery(), args)
    if errors:
        return current_quarter(), errors
    try:
        return period(data["period"], data["year"], data.get("number")), {}
    except ValidationError as exc:
        return current_quarter(), messages_of(exc)


@bp.get("/quotas")
def quotas():
    require_permission(VIEW)
    when, errors = chosen_period(request.args.to_dict())
    return _quotas_page(when, errors)


def _quotas_page(
    when: Period,
    errors: dict[str, Any],
    typed: dict[str, Any] | None = None,
    quota_errors: dict[str, Any] | None = None,
):
    """The period's progress, and the quota form (as typed, with its errors, after a
    refusal: nothing of the refused quota is kept)."""
    with reading(f"quotas {when.kind} {when.year}/{when.number}"):
        rows = queries.completion(when)
        children = tenant_names_of(reporting_children(g.tenant.id)) if g.actor.can(ADOPT) else {}
        return render_template(
            "reporting/quotas.html",
            when=when,
            errors=errors,
            rows=rows,
            children=sorted(children.items(), key=lambda kv: kv[1]),
            categories=choices(CATEGORIES),
            category_titles=CATEGORIES,
            periods=[(k, _(PERIODS[k])) for k in PERIOD_COUNT],
            part_rows=range(PART_ROWS),
            typed=typed or {},
            quota_errors=quota_errors or {},
        ), (422 if errors or quota_errors else 200)


@bp.post("/quotas")
def set_quota():
    require_permission(ADOPT)
    shown, _errors = load_form(PeriodBack())
    when, _asked = chosen_period(
        {"period": shown["period"], "year": shown["year"], "number": shown["period_number"]}
    )
    data, errors = load_form(QuotaIn(unknown=EXCLUDE))  # the CSRF token and the period
    if errors:
        return _quotas_page(when, {}, data, errors)
    try:
        services.set_quota(data)
    except ValidationError as exc:
        db.session.rollback()
        return _quotas_page(when, {}, as_typed(QuotaIn(), data), messages_of(exc))
    flash(_("已保存%(unit)s的任务数。", unit=_child_name(data["child_tenant_id"])), "success")
    return redirect(url_for(".quotas", year=when.year, period=when.kind, number=when.number), 303)


def _child_name(tenant_id: int) -> str:
    return tenant_names_of([tenant_id]).get(tenant_id, "")
