"""The 汇总 page of an upper level: ``/t/<tenant>/rollup/`` with the period, the plugin
and figure set chosen, per-child bars and trend lines, drill-down by ``node`` (a tenant
at or below this one: anything else is a 404), and the .xlsx and .docx exports of the
same roll-up. Permission ``core.rollup.view``; only figures ever leave these routes."""

from __future__ import annotations

from typing import Any

from flask import abort, g, render_template, request, url_for
from marshmallow import fields

from core import clock
from core.forms import load_form
from core.rollup import exports, presenters, service
from core.rollup.period import PeriodQuery, resolve
from core.routing import require_permission, tenant_blueprint

PERMISSION = "core.rollup.view"

bp = tenant_blueprint("rollup", __name__, kind="pages", prefix="/rollup")


class RollupQuery(PeriodQuery):
    node = fields.Integer(validate=lambda v: v > 0)
    plugin = fields.String()
    set = fields.String()


def _query() -> tuple[dict[str, Any], dict[str, Any]]:
    require_permission(PERMISSION)
    return load_form(RollupQuery(), request.args.to_dict())


def _query_or_400() -> dict[str, Any]:
    data, errors = _query()
    if errors:
        abort(400, "；".join(m for msgs in errors.values() for m in msgs))
    return data


@bp.get("/")
def index():
    data, errors = _query()
    query = {} if errors else data
    period = resolve(query)
    node_id = query.get("node")
    available = service.available(g.tenant, node_id)
    plugin = query.get("plugin") if query.get("plugin") in available else available[0]
    rollup = service.compute(g.tenant, period, node_id, plugins=[plugin])
    part = rollup.plugin(plugin)
    set_key = part.set(query.get("set")).key if part else None
    titles, figures, points = service.trend(g.tenant, period, node_id, plugin, set_key)
    args = {k: v for k, v in request.args.items() if v and not errors}
    return render_template(
        "rollup/index.html",
        rollup=rollup,
        part=part,
        set_key=set_key,
        table=presenters.table(part, set_key) if part else None,
        chart={
            "bars": presenters.bars(part, set_key) if part else {},
            "trend": presenters.trend_lines(titles, figures, points),
        },
        available=[(name, service.plugin_title(name)) for name in available],
        args=args,
        form=request.args.to_dict(),
        errors=errors,
        this_year=clock.today().year,
        link=lambda **changes: url_for(".index", **{**args, **changes}),
    ), (400 if errors else 200)


def _export_rollup() -> service.Rollup:
    data = _query_or_400()
    return service.compute(g.tenant, resolve(data), data.get("node"))


@bp.get("/export.xlsx")
def workbook():
    return exports.workbook_response(_export_rollup())


@bp.get("/export.docx")
def report():
    return exports.report_response(_export_rollup())
