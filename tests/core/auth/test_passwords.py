"""Password hashes: scrypt in production; the suite's cheap method is a test setting only."""

from __future__ import annotations

from core.app import create_app
from core.auth.models import User
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
