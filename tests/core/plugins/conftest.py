from __future__ import annotations

import pytest

from tests.core.plugins import sample_plugin


@pytest.fixture
def plugin_app(sibling_app):
    """The same database as ``app``, with the sample plugin installed too."""
    return sibling_app("sample", EXTRA_PLUGINS=[("sample", sample_plugin)])
