"""A reporter's identity (信访工作条例 Art. 30) and every ID number stay masked in the
pages, the API and the ledger for anyone without ``petitions.view_identity``; holders
see them masked too until they ask, and every disclosure is audited."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook

from tests.plugins.petitions.web import World, ident, report_payload
from tests.plugins.petitions.web import world as world  # noqa: F401 - the fixture

REPORTER = {"name": "检举人甲", "id": ident(date(1985, 1, 2), 33), "phone": "13912345678"}
SECRETS = (REPORTER["name"], REPORTER["id"], REPORTER["phone"], "幸福小区三幢")


def _report(world: World) -> int:
    response = world.call("clerk", "POST", json=report_payload())
    assert response.status_code == 201
    return response.get_json()["id"]


def _leaks(text: str) -> list[str]:
    return [secret for secret in SECRETS if secret in text]


def test_a_reporter_is_masked_in_the_api_for_everyone_by_default(world: World):
    pid = _report(world)
    for who in ("clerk", "leader"):
        response = world.call(who, "GET", f"/{pid}")
        assert _leaks(response.get_data(as_text=True)) == [], who
        [person] = response.get_json()["petitioners"]
        assert person["name"] == "***" and person["address"] == "***"
        assert person["identity_hidden"] is True
        assert person["id_number"] == REPORTER["id"][:3] + "*" * 11 + REPORTER["id"][-4:]
        assert person["phone"] == "＊＊＊＊"  # wholly hidden (issue 12)
    # The list and the history carry nothing of it either.
    assert _leaks(world.call("leader", "GET").get_data(as_text=True)) == []
    assert _leaks(world.call("leader", "GET", f"/{pid}/history").get_data(as_text=True)) == []
    # Searching by the reporter's name finds nothing (no guessing game).
    found = world.call("clerk", "GET", query_string={"q": REPORTER["name"]}).get_json()
    assert found["items"] == []
    # The registering answer itself is masked.
    created = world.call("clerk", "POST", json=report_payload())
    assert _leaks(created.get_data(as_text=True)) == []


def test_disclosure_needs_the_permission_and_is_audited_each_time(world: World):
    pid = _report(world)
    assert world.call("clerk", "POST", f"/{pid}/identity").status_code == 403
    assert world.audit("petition.identity_viewed") == []
    for _ in range(2):
        response = world.call("leader", "POST", f"/{pid}/identity")
        assert response.status_code == 200
        [person] = response.get_json()["petitioners"]
        assert (person["name"], person["id_number"], person["phone"]) == (
            REPORTER["name"],
            REPORTER["id"],
            REPORTER["phone"],
        )
    entries = world.audit("petition.identity_viewed")
    assert len(entries) == 2
    assert entries[0]["object_id"] == str(pid) or entries[0]["object_id"] == pid
    assert entries[0]["detail"]["via"] == "api" and entries[0]["detail"]["reporter"] is True


def test_non_reporters_show_names_but_never_a_full_id_number(world: World):
    body = world.register()
    [person] = body["petitioners"]
    assert person["name"] == "王某" and person["phone"] == "13800000000"
    assert person["id_number"] != ident() and person["identity_hidden"] is False
    assert ident() not in world.call("leader", "GET", f"/{body['id']}").get_data(as_text=True)


def test_a_reporter_is_masked_on_the_page_until_a_holder_reveals_it(world: World):
    pid = _report(world)
    world.login("clerk")
    page = world.page(f"/{pid}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert _leaks(html) == [] and "检举人身份保密" in html
    assert "显示身份信息" not in html  # no button without the permission
    csrf = world.login("clerk")
    assert world.post_page(f"/{pid}/identity", csrf, {}).status_code == 403

    csrf = world.login("leader")
    html = world.page(f"/{pid}").get_data(as_text=True)
    assert _leaks(html) == [] and "显示身份信息" in html
    revealed = world.post_page(f"/{pid}/identity", csrf, {})
    assert revealed.status_code == 200
    assert set(_leaks(revealed.get_data(as_text=True))) == set(SECRETS)
    [entry] = world.audit("petition.identity_viewed")
    assert entry["detail"]["via"] == "page"


def test_a_reporter_stays_out_of_the_ledger_without_the_permission(world: World):
    _report(world)
    world.register(summary="普通来信")
    for fmt in ("xlsx", "csv"):
        response = world.call("clerk", "GET", "/export", query_string={"format": fmt})
        assert response.status_code == 200
        text = _file_text(response.data, fmt)
        assert _leaks(text) == [], fmt
        assert ident() not in text  # the ordinary petitioner's number is masked too
        assert "王某" in text and "举报拉票贿选" in text
    assert world.audit("petition.identity_viewed") == []
    assert len(world.audit("petition.exported")) == 2


def test_a_holder_exports_identities_and_that_is_audited(world: World):
    _report(world)
    response = world.call("leader", "GET", "/export")
    text = _file_text(response.data, "xlsx")
    assert REPORTER["name"] in text and REPORTER["id"] in text
    [entry] = world.audit("petition.identity_viewed")
    assert entry["detail"]["via"] == "export"


def _file_text(data: bytes, fmt: str) -> str:
    if fmt == "csv":
        return data.decode("utf-8-sig")
    book = load_workbook(io.BytesIO(data), read_only=True)
    return "\n".join(
        "\t".join("" if v is None else str(v) for v in row)
        for row in book.active.iter_rows(values_only=True)
    )
