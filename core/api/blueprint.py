"""Routes about the API itself."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from core.api.openapi import build_openapi

bp = Blueprint("api_meta", __name__, url_prefix="/api/v1")


@bp.get("/openapi.json")
def openapi():
    document = current_app.extensions.get("zugong.openapi")
    if document is None:
        document = current_app.extensions["zugong.openapi"] = build_openapi(current_app)
    return jsonify(document)
