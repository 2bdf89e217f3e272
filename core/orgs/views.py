"""Pages for org units and members."""

from __future__ import annotations

from flask import render_template

from core.routing import tenant_blueprint

bp = tenant_blueprint("orgs", __name__, kind="pages", prefix="/orgs")


@bp.get("/units")
def units():
    return render_template("error.html", status=501, message="")


@bp.get("/members")
def members():
    return render_template("error.html", status=501, message="")
