"""Tenant administration pages."""

from __future__ import annotations

from flask import render_template

from core.routing import tenant_blueprint

bp = tenant_blueprint("admin", __name__, kind="pages", prefix="/admin")


@bp.get("/")
def index():
    return render_template("error.html", status=501, message="")


@bp.get("/audit")
def audit():
    return render_template("error.html", status=501, message="")
