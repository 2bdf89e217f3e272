"""Two tenants with people of different roles (see :class:`World`)."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.core.orgs.helpers import World, build_world
from tests.factories import Factory


@pytest.fixture
def world(app: Flask, factory: Factory, client: FlaskClient) -> World:
    return build_world(app, factory, client)
