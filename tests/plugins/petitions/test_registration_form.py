"""信访登记表（阅批单） (issue 13): printed from the petition's page through core's record
form route, in words, with the reporter of a 检举控告 hidden from whoever may not know
them and the print audited as a view of the identity by whoever may."""

from __future__ import annotations

import io

import docx

from tests.plugins.petitions.web import report_payload
from tests.plugins.petitions.web import world as world  # noqa: F401 - the fixture

FORM = "/t/county/forms/petitions.registration_form"


def _text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_the_sheet_is_filled_in_words_and_linked_from_the_page(world):
    created = world.register()
    world.login("clerk")
    assert f"{FORM}/{created['id']}.docx" in world.page(f"/{created['id']}").get_data(as_text=True)
    answer = world.client.get(f"{FORM}/{created['id']}.docx")
    assert answer.status_code == 200
    text = _text(answer.data)
    for shown in (
        "信访登记表（阅批单）",
        created["serial"],
        "来信",
        "反映退休待遇问题",
        "拟办意见",
    ):
        assert shown in text, shown
    assert "{{" not in text and "letter" not in text


def test_a_reporters_name_only_for_those_who_may_know_it(world):
    created = world.register(**report_payload())
    world.login("clerk")  # may view petitions, not a reporter's identity
    hidden = _text(world.client.get(f"{FORM}/{created['id']}.docx").data)
    assert created["serial"] in hidden
    assert "检举人甲" not in hidden and "13912345678" not in hidden
    world.login("leader")  # holds petitions.view_identity: shown, and audited
    before = len(world.audit("petition.identity_viewed"))
    shown = _text(world.client.get(f"{FORM}/{created['id']}.docx").data)
    assert "检举人甲" in shown
    assert len(world.audit("petition.identity_viewed")) == before + 1


def test_another_tenants_petition_is_404(world):
    created = world.register()
    world.login("outsider")
    assert (
        world.client.get(
            f"/t/other/forms/petitions.registration_form/{created['id']}.docx"
        ).status_code
        == 404
    )
