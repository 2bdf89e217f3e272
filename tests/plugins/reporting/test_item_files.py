"""An item's files (附件) reach the levels the item reaches, through the grant on them:
the parent downloads them; a sibling, or a level the item was withdrawn from, gets 404."""

from __future__ import annotations

import io
import re

from tests.plugins.reporting.web import FORM, html, move, page_url, post, submission_of
from tests.plugins.reporting.web import clients as clients  # noqa: F401 - the fixture

CONTENT = b"%PDF-1.4\n% the material behind the item\n"


def _item_with_a_file(clients) -> tuple[int, int]:
    writer = clients["writer"]
    response = writer.post(
        page_url("county", "/items/new"),
        data={**FORM, "files": (io.BytesIO(CONTENT), "材料.pdf"), "csrf_token": writer.token},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    item_id = int(re.search(r"/items/(\d+)$", response.headers["Location"]).group(1))
    page = html(writer, page_url("county", f"/items/{item_id}"))
    file_id = int(re.search(rf"/items/{item_id}/files/(\d+)", page).group(1))
    return item_id, file_id


def test_the_parent_downloads_a_submitted_items_file_and_a_sibling_cannot(clients):
    item_id, file_id = _item_with_a_file(clients)
    path = f"/items/{item_id}/files/{file_id}"
    assert clients["writer"].get(page_url("county", path)).data == CONTENT
    # Before it is submitted the city has no grant: 404.
    assert clients["city"].get(page_url("city", path)).status_code == 404
    move(clients["writer"], "county", item_id, "send_for_approval")
    move(clients["leader"], "county", item_id, "approve")
    page = html(clients["city"], page_url("city", f"/items/{item_id}"))
    assert f"/items/{item_id}/files/{file_id}" in page and "材料.pdf" in page
    response = clients["city"].get(page_url("city", path))
    assert response.status_code == 200 and response.data == CONTENT
    assert "attachment" in response.headers["Content-Disposition"]
    assert clients["sibling"].get(page_url("sibling", path)).status_code == 404
    assert clients["province"].get(page_url("province", path)).status_code == 404
    # The core route reads no grants: the city still cannot fetch it there.
    assert clients["city"].get(f"/t/city/attachments/{file_id}").status_code == 404


def test_a_file_of_another_item_is_not_reached_through_a_granted_one(clients):
    item_id, _file_id = _item_with_a_file(clients)
    other_id, other_file = _item_with_a_file(clients)
    move(clients["writer"], "county", item_id, "send_for_approval")
    move(clients["leader"], "county", item_id, "approve")
    response = clients["city"].get(page_url("city", f"/items/{item_id}/files/{other_file}"))
    assert response.status_code == 404
    assert (
        clients["city"].get(page_url("city", f"/items/{other_id}/files/{other_file}")).status_code
        == 404
    )


def test_a_forwarded_items_file_reaches_the_next_level_and_a_withdrawn_ones_does_not(clients):
    item_id, file_id = _item_with_a_file(clients)
    path = f"/items/{item_id}/files/{file_id}"
    move(clients["writer"], "county", item_id, "send_for_approval")
    move(clients["leader"], "county", item_id, "approve")
    decide = page_url(
        "city", f"/submissions/{submission_of(clients, 'city', item_id)}/transitions/"
    )
    post(clients["city"], decide + "adopt")
    post(clients["city"], decide + "forward")
    assert clients["province"].get(page_url("province", path)).data == CONTENT

    other_id, other_file = _item_with_a_file(clients)
    move(clients["writer"], "county", other_id, "send_for_approval")
    move(clients["leader"], "county", other_id, "approve")
    move(clients["writer"], "county", other_id, "withdraw")
    response = clients["city"].get(page_url("city", f"/items/{other_id}/files/{other_file}"))
    assert response.status_code == 404
