"""Petition attachments on the core mechanism: uploaded when registering or later, listed
on the detail page and in the API, downloaded (audited); a report's files stay with the
holders of the identity permission, like the reporter's name."""

from __future__ import annotations

import io
import re

from core.attachments.models import Attachment
from plugins.petitions.models import Petition
from tests.plugins.petitions.test_pages import register_form
from tests.plugins.petitions.web import World, report_payload
from tests.plugins.petitions.web import world as world  # noqa: F401 - the fixture

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
EXE = b"MZ\x90\x00" + b"\x00" * 60


def files(*items: tuple[str, bytes]) -> list[tuple[io.BytesIO, str]]:
    return [(io.BytesIO(data), name) for name, data in items]


def test_register_with_files_on_the_page_and_download_them(world: World):
    csrf = world.login("clerk")
    response = world.post_page(
        "/new",
        csrf,
        {**register_form(), "files": files(("来信.pdf", PDF), ("照片.png", PNG))},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    html = world.client.get(response.headers["Location"]).get_data(as_text=True)
    links = re.findall(r'<a href="([^"]+)">(来信\.pdf|照片\.png)</a>', html)
    assert [name for _, name in links] == ["来信.pdf", "照片.png"]
    download = world.client.get(links[0][0])
    assert download.status_code == 200 and download.data == PDF
    assert "attachment" in download.headers["Content-Disposition"]
    assert len(world.audit("attachment.downloaded")) == 1


def test_a_refused_file_rolls_the_whole_registration_back(world: World):
    csrf = world.login("clerk")
    response = world.post_page(
        "/new",
        csrf,
        {**register_form(), "files": files(("说明.pdf", EXE))},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert 'data-error-for="files"' in response.get_data(as_text=True)
    assert world.count(Petition) == 0 and world.count(Attachment) == 0


def test_upload_and_list_through_the_api(world: World):
    pid = world.register()["id"]
    response = world.call(
        "clerk",
        "POST",
        f"/{pid}/attachments",
        data={"files": files(("a.pdf", PDF), ("b.png", PNG))},
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.get_json()
    assert [a["filename"] for a in response.get_json()] == ["a.pdf", "b.png"]
    detail = world.call("clerk", "GET", f"/{pid}").get_json()
    assert detail["attachment_count"] == 2 and len(detail["attachments"]) == 2
    url = detail["attachments"][0]["url"]
    assert (
        world.client.get(url, headers={"Authorization": f"Bearer {world.tokens['clerk']}"}).data
        == PDF
    )
    listed = world.call("clerk", "GET", f"/{pid}/attachments").get_json()
    assert [a["filename"] for a in listed] == ["a.pdf", "b.png"]
    # Refusals: no file, a disguised executable, no permission, another tenant's petition.
    assert world.call("clerk", "POST", f"/{pid}/attachments", json={}).status_code == 422
    disguised = world.call(
        "clerk",
        "POST",
        f"/{pid}/attachments",
        data={"files": files(("c.pdf", EXE))},
        content_type="multipart/form-data",
    )
    assert disguised.status_code == 422 and "files" in disguised.get_json()["errors"]
    assert world.call("staff", "POST", f"/{pid}/attachments", data={}).status_code == 403
    theirs = world.register("outsider")["id"]
    assert world.call("clerk", "GET", f"/{theirs}/attachments").status_code == 404
    assert world.count(Attachment) == 2


def test_a_reports_files_are_for_identity_holders_only(world: World):
    pid = world.call("clerk", "POST", json=report_payload()).get_json()["id"]
    uploaded = world.call(
        "clerk",
        "POST",
        f"/{pid}/attachments",
        data={"files": files(("检举信.pdf", PDF))},
        content_type="multipart/form-data",
    )
    assert uploaded.status_code == 201
    attachment_id = uploaded.get_json()[0]["id"]
    detail = world.call("clerk", "GET", f"/{pid}").get_json()
    assert detail["attachment_count"] == 1 and detail["attachments"] == []
    assert world.call("clerk", "GET", f"/{pid}/attachments").status_code == 403
    clerk = {"Authorization": f"Bearer {world.tokens['clerk']}"}
    assert (
        world.client.get(f"/api/v1/t/county/attachments/{attachment_id}", headers=clerk).status_code
        == 404
    )
    world.login("clerk")
    html = world.page(f"/{pid}").get_data(as_text=True)
    assert "检举信.pdf" not in html and 'id="attachments-withheld"' in html
    leader = world.call("leader", "GET", f"/{pid}").get_json()
    assert [a["filename"] for a in leader["attachments"]] == ["检举信.pdf"]
    world.login("leader")
    page = world.page(f"/{pid}").get_data(as_text=True)
    assert "检举信.pdf" in page


def test_upload_on_the_detail_page(world: World):
    pid = world.register()["id"]
    csrf = world.login("clerk")
    empty = world.post_page(f"/{pid}/attachments", csrf, {}, content_type="multipart/form-data")
    assert empty.status_code == 422 and 'data-error-for="files"' in empty.get_data(as_text=True)
    done = world.post_page(
        f"/{pid}/attachments",
        csrf,
        {"files": files(("补充材料.pdf", PDF))},
        content_type="multipart/form-data",
    )
    assert done.status_code == 302
    assert "补充材料.pdf" in world.client.get(done.headers["Location"]).get_data(as_text=True)
    csrf = world.login("staff")
    refused = world.post_page(
        f"/{pid}/attachments",
        csrf,
        {"files": files(("x.pdf", PDF))},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 403
    assert world.count(Attachment) == 1


def test_an_id_beyond_bigint_is_simply_not_found(world: World):
    """(core.attachments.views) The fuzz suite's huge ids must be a 404, not a 500."""
    token = {"Authorization": f"Bearer {world.tokens['clerk']}"}
    response = world.client.get(f"/api/v1/t/county/attachments/{2**70}", headers=token)
    assert response.status_code == 404
