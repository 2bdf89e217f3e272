"""Weak passwords are refused with a reason in Chinese; production asks for 12 characters."""

from __future__ import annotations

import pytest

from core.auth.passwords import password_problem


@pytest.mark.parametrize(
    "password",
    [
        "aaaaaaaaaa",
        "1234567890",
        "0987654321",
        "qwertyuiop",
        "abcabcabcabc",
        "woaini1314",
        "Password123",
        "abcdefghijk",
        "1q2w3e4r5t6y",
    ],
)
def test_common_and_repetitive_passwords_are_refused(app, password):
    with app.test_request_context():
        assert password_problem(password) is not None


@pytest.mark.parametrize("password", ["correct-horse-9", "zugong-demo-1", "县委组织部2026年档案"])
def test_ordinary_passwords_pass(app, password):
    with app.test_request_context():
        assert password_problem(password) is None


def test_production_accounts_need_twelve_characters(app):
    app.config["ENV_NAME"] = "production"
    try:
        with app.test_request_context():
            assert "12" in password_problem("Kx9-mq2-Lz4")  # 11 characters
            assert password_problem("Kx9-mq2-Lz4-w") is None
    finally:
        app.config["ENV_NAME"] = "embedded"
