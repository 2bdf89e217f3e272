"""Two tenants with people of different roles (see :class:`World`)."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.core.orgs.helpers import World
from tests.factories import Factory


@pytest.fixture
def world(app: Flask, factory: Factory, client: FlaskClient) -> World:
    factory.tenant("alpha", name="甲县委组织部")
    factory.tenant("beta", name="乙县委组织部")
    people = {
        "admin": factory.user("alpha", "alice", roles=["admin"], display_name="管理员甲"),
        "registrar": factory.user("alpha", "rita", roles=["registrar"], display_name="登记员"),
        "staff": factory.user("alpha", "sam", roles=["staff"], display_name="工作人员"),
        "beta": factory.user("beta", "bob", roles=["admin"], display_name="管理员乙"),
    }
    world = World(app, client)
    world.tokens = {key: factory.token(person) for key, person in people.items()}
    return world
