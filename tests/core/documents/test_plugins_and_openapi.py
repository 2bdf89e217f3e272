"""Templates follow plugin enablement; declarations are checked at start-up; the API is
described in the OpenAPI document."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from core.db import db
from core.documents import services
from core.plugins import enablement, hookimpl
from core.plugins.manager import PluginError, PluginHost
from core.plugins.types import DocumentTemplateDef, PluginMeta
from core.tenancy.models import Tenant
from tests.core.documents.helpers import docx_bytes, docx_text, upload
from tests.factories import Factory, bearer, login

BULLETIN = "notices.bulletin"


def _names(client, token: str, slug: str) -> list[str]:
    response = client.get(f"/api/v1/t/{slug}/documents", headers=bearer(token))
    assert response.status_code == 200, response.get_json()
    return [item["name"] for item in response.get_json()]


def test_templates_of_a_disabled_plugin_are_neither_listed_nor_usable(notices_app: Flask):
    factory = Factory(notices_app)
    factory.tenant("on", plugins=["notices"])
    factory.tenant("off")
    on = factory.token(factory.user("on", "olga"))
    off = factory.token(factory.user("off", "oscar"))
    client = notices_app.test_client()

    core = ["core.member_registration", "core.rollup_report", "core.round_report"]
    assert _names(client, on, "on") == [*core, BULLETIN]
    assert _names(client, off, "off") == core

    listed = client.get("/api/v1/t/on/documents", headers=bearer(on)).get_json()
    assert listed[-1]["plugin"] == "notices" and listed[-1]["title"] == "工作通报"
    data = client.get(f"/api/v1/t/on/documents/{BULLETIN}", headers=bearer(on)).get_data()
    assert "{{ title }}" in docx_text(data)
    replaced = client.put(
        f"/api/v1/t/on/documents/{BULLETIN}",
        data=upload(docx_bytes("本单位通报：{{ title }}")),
        headers=bearer(on),
    )
    assert replaced.status_code == 200, replaced.get_json()

    for method in ("GET", "PUT", "DELETE"):
        response = client.open(
            f"/api/v1/t/off/documents/{BULLETIN}",
            method=method,
            headers=bearer(off),
            data=upload(docx_bytes("{{ title }}")) if method == "PUT" else None,
        )
        assert response.status_code == 404, method

    # The page lists the same as the API.
    assert login(client, "oscar").status_code == 302
    html = client.get("/t/off/admin/documents").get_data(as_text=True)
    assert "党员信息登记表" in html and "工作通报" not in html
    assert client.get(f"/t/off/admin/documents/{BULLETIN}.docx").status_code == 404

    # Disabling keeps the tenant's file; enabling again brings it back.
    with notices_app.app_context():
        tenant = db.session.scalar(select(Tenant).where(Tenant.slug == "on"))
        enablement.disable(tenant, "notices")
        db.session.commit()
    assert _names(client, on, "on") == core
    with notices_app.app_context():
        tenant = db.session.scalar(select(Tenant).where(Tenant.slug == "on"))
        enablement.enable(tenant, "notices")
        db.session.commit()
    listed = client.get("/api/v1/t/on/documents", headers=bearer(on)).get_json()
    assert listed[-1]["replaced"] is True


# -- declarations ------------------------------------------------------------------------


class _Declares:
    def __init__(self, name: str, items: list[DocumentTemplateDef]) -> None:
        self.name, self.items = name, items

    @hookimpl
    def zugong_plugin_meta(self) -> PluginMeta:
        return PluginMeta(self.name, self.name, self.name, "0.1.0")

    @hookimpl
    def zugong_document_templates(self) -> list[DocumentTemplateDef]:
        return self.items


def _host(*plugins: _Declares) -> PluginHost:
    from core import core_plugin

    host = PluginHost()
    host.load(core_plugin, extra=[(p.name, p) for p in plugins])
    return host


@pytest.mark.parametrize(
    ("name", "exists", "problem"),
    [
        ("bulletin", True, "<plugin>.<document>"),
        ("Notices.Bulletin", True, "<plugin>.<document>"),
        ("other.bulletin", True, "must start with 'notices.'"),
        ("notices.bulletin", False, "is missing"),
    ],
)
def test_misdeclared_templates_stop_the_start(tmp_path: Path, name, exists, problem):
    path = tmp_path / "t.docx"
    if exists:
        path.write_bytes(docx_bytes("{{ x }}"))
    host = _host(_Declares("notices", [DocumentTemplateDef(name, "通报", path, {"x": "1"})]))
    with pytest.raises(PluginError, match=problem.replace(".", r"\.")):
        services.check_declarations(host)


def test_a_name_declared_twice_stops_the_start(tmp_path: Path):
    path = tmp_path / "t.docx"
    path.write_bytes(docx_bytes("{{ x }}"))
    item = DocumentTemplateDef("notices.bulletin", "通报", path, {"x": "1"})
    host = _host(_Declares("notices", [item, item]))
    with pytest.raises(PluginError, match="already declared"):
        services.check_declarations(host)


def test_the_installed_plugins_declare_well(app: Flask):
    services.check_declarations(app.extensions["zugong.plugins"])


# -- OpenAPI -----------------------------------------------------------------------------


def test_the_openapi_document_describes_the_routes(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    templates = paths["/api/v1/t/{tenant}/documents/{name}"]
    assert set(templates) == {"get", "put", "delete"}
    assert "multipart/form-data" in templates["put"]["summary"]
    assert templates["get"]["responses"]["200"]["content"]
    assert all(op["tags"] == ["documents_api"] for op in templates.values())
    assert "core.manage_settings" in templates["put"]["description"]
    listing = paths["/api/v1/t/{tenant}/documents"]["get"]
    assert listing["responses"]["200"]["content"]["application/json"]
    form = paths["/api/v1/t/{tenant}/orgs/members/{member_id}/form.docx"]["get"]
    assert form["parameters"][1]["schema"] == {"type": "integer"}
    assert "core.view_members" in form["description"]
