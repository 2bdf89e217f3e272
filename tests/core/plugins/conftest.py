from __future__ import annotations

import pytest

from core.app import create_app
from tests.core.plugins import sample_plugin


@pytest.fixture
def plugin_app(app):
    """The same database as ``app``, with the sample plugin installed too."""
    keys = (
        "TESTING",
        "SECRET_KEY",
        "INSTANCE_PATH",
        "SQLALCHEMY_DATABASE_URI",
        "OWNER_DATABASE_URL",
        "REDIS_URL",
        "SQLALCHEMY_ENGINE_OPTIONS",
    )
    config = {k: app.config[k] for k in keys}
    return create_app({**config, "EXTRA_PLUGINS": [("sample", sample_plugin)]})
