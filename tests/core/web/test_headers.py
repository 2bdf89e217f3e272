"""Security headers come from the app itself, on pages, API answers and errors alike."""

from __future__ import annotations

import pytest

from core.app import create_app
from core.db import db
from tests.conftest import SHARED_CONFIG


@pytest.mark.parametrize("path", ["/login", "/api/v1/openapi.json", "/t/nope/", "/healthz"])
def test_every_answer_carries_the_security_headers(client, path):
    headers = client.get(path).headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self';" in csp and "'unsafe-eval'" not in csp
    assert "'unsafe-inline'" not in csp.split("style-src")[0]
    assert "frame-ancestors 'none'" in csp
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in headers  # embedded: plain HTTP on a desk


def test_production_adds_hsts(app):
    config = {key: app.config[key] for key in SHARED_CONFIG}
    production = create_app({**config, "ENV_NAME": "production"})
    assert production.test_client().get("/login").headers["Strict-Transport-Security"]
    with production.app_context():
        db.session.remove()
        db.engine.dispose()
