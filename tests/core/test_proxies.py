"""X-Forwarded-For is believed only from a configured proxy address."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from core.app import create_app
from core.auth.models import LoginAttempt
from core.db import db
from tests.conftest import SHARED_CONFIG
from tests.factories import csrf_token


def test_the_example_env_file_trusts_no_proxy_by_default():
    from pathlib import Path

    example = (Path(__file__).parents[2] / "deploy" / "zugong.env.example").read_text()
    assert "ZUGONG_TRUSTED_PROXIES=0\n" in example
    assert "ZUGONG_PROXY_ADDRESSES=" in example


@pytest.fixture
def behind_one_proxy(app):
    config = {key: app.config[key] for key in SHARED_CONFIG}
    proxied = create_app(
        {**config, "ENV_NAME": "production", "TRUSTED_PROXIES": 1, "PROXY_ADDRESSES": "10.0.0.1"}
    )
    yield proxied
    with proxied.app_context():
        db.session.remove()
        db.engine.dispose()


def _fail_login(flask_app, peer: str, forwarded: str) -> str:
    """The address a failed login is recorded under."""
    client = flask_app.test_client()
    environ = {"REMOTE_ADDR": peer}
    headers = {"X-Forwarded-For": forwarded}
    html = client.get("/login", environ_base=environ, headers=headers)
    assert html.status_code == 200
    token = csrf_token(client)
    client.post(
        "/login",
        data={"username": "nobody", "password": "wrong", "csrf_token": token},
        environ_base=environ,
        headers=headers,
    )
    with flask_app.app_context():
        return db.session.scalars(select(LoginAttempt.ip).order_by(LoginAttempt.id.desc())).first()


def test_a_client_cannot_choose_its_address_by_sending_the_header(behind_one_proxy, caplog):
    with caplog.at_level(logging.WARNING, logger="core.proxies"):
        assert _fail_login(behind_one_proxy, "203.0.113.5", "198.51.100.1") == "203.0.113.5"
        _fail_login(behind_one_proxy, "203.0.113.5", "198.51.100.2")
    warnings = [r for r in caplog.records if "203.0.113.5" in r.getMessage()]
    assert len(warnings) == 1  # loud, but once per client address


def test_the_configured_proxy_is_believed(behind_one_proxy, caplog):
    with caplog.at_level(logging.WARNING, logger="core.proxies"):
        assert _fail_login(behind_one_proxy, "10.0.0.1", "198.51.100.1") == "198.51.100.1"
    assert not [r for r in caplog.records if r.name == "core.proxies"]
