"""信访工作条例 Art. 30: the person reported on must not learn of the petition, let alone
the reporter. A user linked as the reported person gets 404 on that petition everywhere
(detail, history, notices, list, search, ledger export) in the API and the pages, while
everybody else keeps seeing it (issue 12)."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from tests.plugins.petitions.web import World, report_payload
from tests.plugins.petitions.web import world as world  # noqa: F401 - the fixture


def _report_on(world: World, who: str) -> dict:
    reported = [{"name": "李某", "unit": "某乡镇", "post": "干事", "user_id": world.users[who]}]
    response = world.call(
        "clerk",
        "POST",
        json=report_payload(summary="举报某干事吃拿卡要", reported_persons=reported),
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_the_reported_user_gets_404_on_the_petition_in_the_api(world: World):
    body = _report_on(world, "li")
    pid, serial = body["id"], body["serial"]
    for path in (f"/{pid}", f"/{pid}/history", f"/{pid}/conflicts", f"/{pid}/attachments"):
        assert world.call("li", "GET", path).status_code == 404, path
        assert world.call("leader", "GET", path).status_code == 200, path
    assert world.call("li", "GET", f"/{pid}/notices/acceptance.docx").status_code == 404
    # Not in the list, nor found by its serial or its summary.
    assert pid not in [row["id"] for row in world.call("li", "GET").get_json()["items"]]
    for q in (serial, "吃拿卡要"):
        assert world.call("li", "GET", query_string={"q": q}).get_json()["items"] == []
    assert pid in [row["id"] for row in world.call("clerk", "GET").get_json()["items"]]
    # Nor in the ledger the reported person exports.
    sheet = load_workbook(io.BytesIO(world.call("li", "GET", "/export").data)).active
    cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert serial not in cells and not any("吃拿卡要" in c for c in cells)


def test_the_reported_user_cannot_act_on_it(world: World):
    pid = _report_on(world, "li")["id"]
    response = world.fire("li", pid, "accept")
    assert response.status_code == 404
    assert world.call("clerk", "GET", f"/{pid}").get_json()["state"] == "registered"


def test_the_reported_user_gets_404_on_the_pages(world: World):
    body = _report_on(world, "li")
    world.login("li")
    assert world.page(f"/{body['id']}").status_code == 404
    listing = world.page("")
    assert listing.status_code == 200 and body["serial"] not in listing.get_data(as_text=True)
    world.login("clerk")
    assert world.page(f"/{body['id']}").status_code == 200


def test_other_petitions_stay_visible_to_the_reported_user(world: World):
    _report_on(world, "li")
    other = world.register(summary="反映道路维修问题")
    assert world.call("li", "GET", f"/{other['id']}").status_code == 200
