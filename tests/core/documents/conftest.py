"""Two tenants with people and a member each, and an app with a plugin that declares a
document template of its own (to show that disabled plugins' templates stay out)."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from core.plugins import hookimpl
from core.plugins.types import DocumentTemplateDef, PluginMeta
from tests.core.documents.helpers import docx_bytes
from tests.core.orgs.helpers import World, build_world, ident
from tests.factories import Factory


@pytest.fixture
def world(app: Flask, factory: Factory, client: FlaskClient) -> World:
    """alpha: admin (every permission), registrar (no view_identity), staff (read only);
    beta: its own admin. Each with a bearer token (see tests.core.orgs.helpers.World)."""
    return build_world(app, factory, client)


NUMBER = ident(sequence=12)  # even: a woman


@pytest.fixture
def member(world: World) -> dict:
    """A member of alpha in a branch, with an ID number."""
    unit = world.unit(name="机关第一党支部")
    return world.member(
        name="李红梅",
        gender="female",
        id_number=NUMBER,
        birth_date="1980-05-06",
        branch_id=unit["id"],
        joined_on="2005-07-01",
        status="formal",
    )


# -- a plugin with a document template of its own --------------------------------------


class Notices:
    """A third-party plugin declaring one template (its default written at start-up)."""

    def __init__(self, default: Path) -> None:
        self.default = default

    @hookimpl
    def zugong_plugin_meta(self) -> PluginMeta:
        return PluginMeta("notices", "通知公告", "Notices", "0.1.0")

    @hookimpl
    def zugong_document_templates(self) -> list[DocumentTemplateDef]:
        return [
            DocumentTemplateDef(
                "notices.bulletin", "工作通报", self.default, {"title": "关于……的通报"}
            )
        ]


@pytest.fixture(scope="session")
def notices_default(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("notices") / "bulletin.docx"
    path.write_bytes(docx_bytes("{{ title }}", heading="工作通报"))
    return path


@pytest.fixture
def notices_app(sibling_app, notices_default: Path) -> Flask:
    """The same database as ``app`` (already reset), with the notices plugin installed."""
    return sibling_app("notices", EXTRA_PLUGINS=[("notices", Notices(notices_default))])
