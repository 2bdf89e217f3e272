"""Replacing, resetting and listing a tenant's document templates (API and pages)."""

from __future__ import annotations

import hashlib
import re

import pytest
from sqlalchemy import select

from core.db import db
from core.documents import services
from core.documents.member_form import DEFINITION, SAMPLE_CONTEXT
from core.documents.models import DocumentTemplate
from tests.core.documents.helpers import (
    NAME,
    default_bytes,
    docx_bytes,
    docx_text,
    upload,
    zip_bytes,
)
from tests.core.orgs.helpers import World
from tests.factories import csrf_token, login

CUSTOM = docx_bytes("甲单位自制登记表：{{ name }}，{{ unit_full_name }}", heading="甲单位登记表")


def api(world: World, who: str, method: str, path: str = "", *, tenant: str | None = None, **kw):
    tenant = tenant or ("beta" if who == "beta" else "alpha")
    headers = {"Authorization": f"Bearer {world.tokens[who]}"}
    return world.client.open(
        f"/api/v1/t/{tenant}/documents{path}", method=method, headers=headers, **kw
    )


def put(world: World, data: bytes, who: str = "admin", filename: str = "登记表.docx", **kw):
    return api(world, who, "PUT", f"/{NAME}", data=upload(data, filename), **kw)


def member_form(world: World, who: str, member_id: int, tenant: str = "alpha") -> str:
    response = world.client.get(
        f"/api/v1/t/{tenant}/orgs/members/{member_id}/form.docx",
        headers={"Authorization": f"Bearer {world.tokens[who]}"},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    return docx_text(response.get_data())


def stored(world: World, slug: str) -> list[DocumentTemplate]:
    def read():
        rows = list(db.session.scalars(select(DocumentTemplate)))
        db.session.expunge_all()
        return rows

    return world.in_tenant(slug, read)


# -- listing and downloading ------------------------------------------------------------


def test_the_list_shows_cores_template_as_default(world: World):
    response = api(world, "admin", "GET")
    assert response.status_code == 200
    items = {item["name"]: item for item in response.get_json()}
    assert list(items) == [NAME, "core.rollup_report", "core.round_report"]  # core's three
    item = items[NAME]
    assert item["name"] == NAME
    assert item["title"] == "党员信息登记表"
    assert item["plugin"] == "core"
    assert item["replaced"] is False
    assert item["uploaded_at"] is None and item["uploaded_by"] is None
    assert set(item["fields"]) == set(SAMPLE_CONTEXT)


def test_the_default_template_downloads(world: World):
    response = api(world, "admin", "GET", f"/{NAME}")
    assert response.status_code == 200
    assert response.get_data() == default_bytes()
    assert api(world, "admin", "GET", f"/{NAME}?version=default").get_data() == default_bytes()
    assert api(world, "admin", "GET", f"/{NAME}?version=latest").status_code == 422
    assert api(world, "admin", "GET", "/core.no_such_thing").status_code == 404


# -- replacing -------------------------------------------------------------------------


def test_a_replacement_takes_effect_for_that_tenant_only(world: World, member: dict):
    response = put(world, CUSTOM)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["replaced"] is True
    assert body["filename"] == "登记表.docx"
    assert body["sha256"] == hashlib.sha256(CUSTOM).hexdigest()
    assert body["size"] == len(CUSTOM)
    assert body["uploaded_by"] == "管理员甲"
    assert body["uploaded_at"]

    text = member_form(world, "staff", member["id"])
    assert "甲单位自制登记表：李红梅，甲县委组织部" in text
    assert api(world, "admin", "GET", f"/{NAME}").get_data() == CUSTOM
    assert api(world, "admin", "GET", f"/{NAME}?version=default").get_data() == default_bytes()

    # beta still prints from the default
    other = world.call("beta", "POST", "/members", json={"name": "赵六", "gender": "male"})
    assert other.status_code == 201, other.get_json()
    beta_text = member_form(world, "beta", other.get_json()["id"], tenant="beta")
    assert "党员信息登记表" in beta_text and "甲单位" not in beta_text
    assert api(world, "beta", "GET", f"/{NAME}").get_data() == default_bytes()
    assert api(world, "beta", "GET").get_json()[0]["replaced"] is False
    assert stored(world, "beta") == []

    [entry] = world.audit("alpha", "document_template.replaced")
    assert entry.object_type == "document_templates"
    assert entry.detail["name"] == NAME
    assert entry.detail["sha256"] == body["sha256"]
    assert world.audit("beta", "document_template.replaced") == []


def test_a_second_upload_replaces_the_first(world: World, member: dict):
    assert put(world, CUSTOM).status_code == 200
    second = docx_bytes("第二版：{{ name }}")
    response = put(world, second, filename="/home/甲/第二版.docx")
    assert response.status_code == 200
    assert response.get_json()["filename"] == "第二版.docx"  # no client path kept
    [row] = stored(world, "alpha")
    assert row.content == second
    assert "第二版：李红梅" in member_form(world, "staff", member["id"])
    assert len(world.audit("alpha", "document_template.replaced")) == 2


def _too_big() -> bytes:
    return docx_bytes("{{ name }}") + b"\0" * services.MAX_BYTES


BROKEN = [
    pytest.param(b"this is plain text, not a document", "不是有效的 .docx", id="not-a-zip"),
    pytest.param(zip_bytes(**{"readme.txt": "hello"}), "没有 word/document.xml", id="zip-not-docx"),
    pytest.param(
        docx_bytes("姓名：{{ name "),
        "占位符有误：标记没有写完整",
        id="broken-jinja",
    ),
    pytest.param(docx_bytes("{% if name %}有姓名"), "缺少结束标记", id="unclosed-block"),
    pytest.param(docx_bytes("姓名：{{ nmae }}"), "未定义的字段：nmae", id="unknown-field"),
    pytest.param(docx_bytes("{{ name.__class__.__mro__ }}"), "不允许访问", id="sandbox-escape"),
    pytest.param(
        docx_bytes("{% for i in range(1000) %}{% for j in range(1000) %}{% endfor %}{% endfor %}"),
        "循环或重复内容过多",
        id="nested-loops",
    ),
    pytest.param(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "另存为", id="old-doc"),
    pytest.param(_too_big(), "超过 2 MiB", id="too-big"),
    pytest.param(b"", "空的", id="empty"),
]


@pytest.mark.parametrize(("data", "message"), BROKEN)
def test_a_broken_upload_is_refused_and_nothing_is_stored(world: World, data, message):
    response = put(world, data)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    [problem] = body["errors"]["file"]
    assert message in problem, problem
    assert re.search(r"[\u4e00-\u9fff]", problem)
    assert stored(world, "alpha") == []
    assert world.audit("alpha", "document_template.replaced") == []
    assert api(world, "admin", "GET", f"/{NAME}").get_data() == default_bytes()


def test_the_broken_tag_is_pointed_at(world: World):
    response = put(world, docx_bytes("第一段", "姓名：{{ name ", "第三段"))
    [problem] = response.get_json()["errors"]["file"]
    assert "姓名：{{ name" in problem  # the paragraph where it is


def test_an_upload_without_a_file_is_refused(world: World):
    response = api(world, "admin", "PUT", f"/{NAME}", data={})
    assert response.status_code == 422
    assert "请选择" in response.get_json()["errors"]["file"][0]


def test_a_stored_template_failing_on_real_data_says_so(world: World):
    # Passes the check (the sample has a branch) but fails for a member without one.
    tricky = docx_bytes("{% if not branch %}{{ name.foo.bar }}{% endif %}{{ name }}")
    assert put(world, tricky).status_code == 200
    found = world.member(name="无支部", id_number=None)
    response = world.client.get(
        f"/api/v1/t/alpha/orgs/members/{found['id']}/form.docx",
        headers={"Authorization": f"Bearer {world.tokens['staff']}"},
    )
    assert response.status_code == 409
    assert "恢复默认模板" in response.get_json()["detail"]


def test_a_stored_template_costly_on_real_data_is_stopped_at_print(world: World):
    # The sample has a branch, so the upload check never runs the loops.
    costly = docx_bytes(
        "{% if not branch %}{% for i in range(1000) %}{% for j in range(1000) %}"
        "{% endfor %}{% endfor %}{% endif %}{{ name }}"
    )
    assert put(world, costly).status_code == 200
    found = world.member(name="无支部", id_number=None)
    response = world.client.get(
        f"/api/v1/t/alpha/orgs/members/{found['id']}/form.docx",
        headers={"Authorization": f"Bearer {world.tokens['staff']}"},
    )
    assert response.status_code == 409
    detail = response.get_json()["detail"]
    assert "循环或重复内容过多" in detail and "恢复默认模板" in detail


# -- resetting -------------------------------------------------------------------------


def test_reset_restores_the_default(world: World, member: dict):
    assert put(world, CUSTOM).status_code == 200
    response = api(world, "admin", "DELETE", f"/{NAME}")
    assert response.status_code == 200
    assert response.get_json()["replaced"] is False
    assert stored(world, "alpha") == []
    assert api(world, "admin", "GET", f"/{NAME}").get_data() == default_bytes()
    assert "甲单位" not in member_form(world, "staff", member["id"])
    [entry] = world.audit("alpha", "document_template.reset")
    assert entry.detail["sha256"] == hashlib.sha256(CUSTOM).hexdigest()
    # Resetting a default is a no-op and leaves no entry.
    assert api(world, "admin", "DELETE", f"/{NAME}").status_code == 200
    assert len(world.audit("alpha", "document_template.reset")) == 1


# -- permissions -----------------------------------------------------------------------


def test_managing_templates_needs_manage_settings(world: World):
    for who in ("staff", "registrar"):
        assert put(world, CUSTOM, who=who).status_code == 403
        assert api(world, who, "GET").status_code == 403
        assert api(world, who, "GET", f"/{NAME}").status_code == 403
        assert api(world, who, "DELETE", f"/{NAME}").status_code == 403
    assert stored(world, "alpha") == []


def test_another_tenants_token_gets_nothing(world: World):
    assert put(world, CUSTOM).status_code == 200
    # Their token is not a token of ours (401): nothing read, nothing replaced.
    assert api(world, "beta", "GET", tenant="alpha").status_code == 401
    assert api(world, "beta", "GET", f"/{NAME}", tenant="alpha").status_code == 401
    assert api(world, "beta", "DELETE", f"/{NAME}", tenant="alpha").status_code == 401
    assert put(world, docx_bytes("乙"), who="beta", tenant="alpha").status_code == 401
    assert len(stored(world, "alpha")) == 1


# -- pages -----------------------------------------------------------------------------

PAGES = "/t/alpha/admin/documents"


def test_the_page_lists_uploads_and_resets(world: World, member: dict):
    assert login(world.client, "alice").status_code == 302
    page = world.client.get(PAGES)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "党员信息登记表" in html and "默认模板" in html
    assert 'data-tab="documents.index"' in html and 'data-tab="admin.settings"' in html
    assert "{{ name }}" in html  # the placeholders are listed for template authors
    token = csrf_token(world.client, PAGES)

    response = world.client.post(f"{PAGES}/{NAME}", data={"csrf_token": token, **upload(CUSTOM)})
    assert response.status_code == 302
    html = world.client.get(PAGES).get_data(as_text=True)
    assert 'data-replaced="yes"' in html and "本单位模板" in html
    assert "管理员甲" in html and "登记表.docx" in html
    download = world.client.get(f"{PAGES}/{NAME}.docx")
    assert download.status_code == 200 and download.get_data() == CUSTOM
    default = world.client.get(f"{PAGES}/{NAME}.docx?version=default")
    assert default.get_data() == default_bytes()

    response = world.client.post(f"{PAGES}/{NAME}/reset", data={"csrf_token": token})
    assert response.status_code == 302
    assert 'data-replaced="no"' in world.client.get(PAGES).get_data(as_text=True)
    assert stored(world, "alpha") == []


def test_a_broken_upload_on_the_page_says_why(world: World):
    assert login(world.client, "alice").status_code == 302
    token = csrf_token(world.client, PAGES)
    response = world.client.post(
        f"{PAGES}/{NAME}", data={"csrf_token": token, **upload(docx_bytes("{{ name "))}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(r'data-error-for="core.member_registration">[^<]*占位符有误', html)
    assert stored(world, "alpha") == []


def test_the_pages_need_manage_settings_and_csrf(world: World):
    assert login(world.client, "sam").status_code == 302
    assert world.client.get(PAGES).status_code == 403
    token = csrf_token(world.client, "/t/alpha/orgs/members")
    response = world.client.post(f"{PAGES}/{NAME}", data={"csrf_token": token, **upload(CUSTOM)})
    assert response.status_code == 403
    assert world.client.post(f"{PAGES}/{NAME}/reset", data={"csrf_token": token}).status_code == 403
    assert world.client.get(f"{PAGES}/{NAME}.docx").status_code == 403
    world.client.get("/logout")
    assert login(world.client, "alice").status_code == 302
    response = world.client.post(f"{PAGES}/{NAME}", data=upload(CUSTOM))  # no CSRF token
    assert response.status_code == 400
    assert stored(world, "alpha") == []


# -- every declared default is usable --------------------------------------------------


def test_every_installed_default_passes_its_own_check(app):
    with app.app_context():
        host = app.extensions["zugong.plugins"]
        for impl in host.pm.hook.zugong_document_templates.get_hookimpls():
            for definition in impl.function():
                entry = services.Declared(impl.plugin_name, definition)
                services.check_upload(entry, entry.default_bytes())
    assert DEFINITION.default_path.is_file()
