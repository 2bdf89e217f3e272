"""Passwords: scrypt in production (the suite's cheap method is a test setting only);
weak passwords are refused with a reason in Chinese; production asks for 12 characters."""

from __future__ import annotations

import pytest

from core.app import create_app
from core.auth.models import User
from core.auth.passwords import password_problem
from tests.conftest import TEST_PASSWORD_HASH


def test_production_hashes_new_passwords_with_scrypt(tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x", "ENV_NAME": "production"})
    assert app.config["PASSWORD_HASH_METHOD"] == "scrypt"
    with app.app_context():
        user = User(username="alice", display_name="alice")
        user.set_password("correct-horse-9")
    assert user.password_hash.startswith("scrypt:")
    assert user.check_password("correct-horse-9")
    assert not user.check_password("wrong-horse-9")


def test_the_suite_hashes_cheaply_and_still_checks(app):
    assert app.config["PASSWORD_HASH_METHOD"] == TEST_PASSWORD_HASH
    with app.app_context():
        user = User(username="bob", display_name="bob")
        user.set_password("correct-horse-9")
    assert user.password_hash.startswith("pbkdf2:sha256:1$")
    assert user.check_password("correct-horse-9")
    assert not user.check_password("wrong-horse-9")


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
