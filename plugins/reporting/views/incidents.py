"""突发事件: the tenant's incidents with their due marks (迟报 when late) and 初报 / 续报 /
终报 chains; 漏报 recorded by this tenant against a child, or by the parent against it."""

from __future__ import annotations

from flask import g, render_template, url_for
from marshmallow import validate
from sqlalchemy import select

from core import clock
from core.db import db
from core.forms import FormSchema
from core.routing import require_permission
from plugins.reporting import page_queries, services
from plugins.reporting.deadlines import aware
from plugins.reporting.models import INCIDENT_STAGES, MissedReport
from plugins.reporting.permissions import ADOPT, VIEW
from plugins.reporting.schemas import AwareDateTime, Id, Text
from plugins.reporting.views.blueprint import act, bp, posted, reading


class MissedReportForm(FormSchema):
    """漏报: which child, what happened and when, how the upper level learned of it."""

    child_tenant_id = Id(required=True)
    title = Text(required=True, validate=validate.Length(min=1, max=200))
    occurred_at = AwareDateTime(required=True)
    note = Text(load_default=None, validate=validate.Length(max=2000))


@bp.get("/incidents")
def incidents():
    require_permission(VIEW)
    with reading("incidents: missed reports"):
        missed = list(
            db.session.scalars(
                select(MissedReport).order_by(MissedReport.occurred_at.desc(), MissedReport.id)
            )
        )
        return render_template(
            "reporting/incidents.html",
            incidents=page_queries.incidents(),
            missed=missed,
            now=clock.now(),
            aware=aware,
            stages=INCIDENT_STAGES,
            children=[(t.id, t.name, False) for t in page_queries.child_tenants()],
            names=page_queries.tenant_names_of(
                [m.child_tenant_id for m in missed] + [m.tenant_id for m in missed]
            ),
            may_record=g.actor.can(ADOPT),
        )


@bp.post("/missed-reports")
def record_missed():
    require_permission(ADOPT)

    def record() -> None:
        data = posted(MissedReportForm())
        services.record_missed_report(
            data["child_tenant_id"], data["title"], data["occurred_at"], data["note"], g.actor
        )

    return act(record, url_for(".incidents"))
