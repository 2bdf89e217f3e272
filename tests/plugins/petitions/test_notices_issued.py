"""A notice once issued is frozen (issue 12): the first print issues it through
core.documents.issued, and every later print is the stored document, even after an
extension moved the deadline it names or the tenant replaced the template. The version
naming the petitioner is issued with it, from the same fields."""

from __future__ import annotations

import io
from datetime import date

import docx
from sqlalchemy import select

from core.db import db
from core.documents.models import IssuedDocument
from core.tenancy.scope import tenant_scope
from plugins.petitions.models import Petition
from tests.plugins.petitions.test_notices import (
    ACTOR,
    _at,
    _get,
    _move,
    docx_text,
)
from tests.plugins.petitions.test_notices import _clock as _clock  # noqa: F401 - fixture
from tests.plugins.petitions.test_notices import county as county  # noqa: F401 - fixture


def _extend(app, county, petition: str) -> None:
    with app.app_context(), tenant_scope(county["id"]):
        row = db.session.get(Petition, county["ids"][petition])
        _move(row, date(2026, 10, 20), "extend", days=30, reason="需进一步调查")
        db.session.commit()
    _at(date(2026, 11, 1))


def _issued_kinds(app, county, petition: str) -> list[str]:
    with app.app_context(), tenant_scope(county["id"]):
        return sorted(
            db.session.scalars(
                select(IssuedDocument.kind).where(
                    IssuedDocument.object_type == "petition",
                    IssuedDocument.object_id == str(county["ids"][petition]),
                )
            )
        )


def test_the_acceptance_notice_is_reprinted_as_issued_after_an_extension(app, county, client):
    first = _get(client, county, "leader", "replied", "acceptance")
    assert first.status_code == 200
    assert "60日内（即2026年11月17日前）" in docx_text(first.data)
    assert _issued_kinds(app, county, "replied") == ["acceptance"]  # not a reporter
    with app.app_context(), tenant_scope(county["id"]):
        row = db.session.get(Petition, county["ids"]["replied"])
        row.state = "in_handling"  # reopened for the test: an extension in handling
        db.session.commit()
    _extend(app, county, "replied")
    again = _get(client, county, "leader", "replied", "acceptance")
    assert again.data == first.data
    assert "90日" not in docx_text(again.data)


def test_both_versions_say_the_same_and_only_the_holder_sees_the_name(app, county, client):
    masked = docx_text(_get(client, county, "clerk", "reporter", "acceptance").data)
    named = docx_text(_get(client, county, "leader", "reporter", "acceptance").data)
    assert "王秀英" not in masked and "王秀英：" in named
    assert masked.replace("信访人：", "") == named.replace("王秀英：", "")


def test_a_report_issues_no_named_assignment_letter(app, county, client):
    text = docx_text(_get(client, county, "leader", "assigned", "assignment").data)
    assert "王秀英" not in text
    assert _issued_kinds(app, county, "assigned") == ["assignment"]


def test_issuing_is_once(app, county, client):
    for _ in range(2):
        assert _get(client, county, "clerk", "reporter", "acceptance").status_code == 200
    assert _issued_kinds(app, county, "reporter") == ["acceptance", "acceptance.named"]
    assert ACTOR.user_id is None


def test_the_extension_notice_tells_the_days_the_reason_and_the_new_end(app, county, client):
    assert _get(client, county, "leader", "accepted", "extension").status_code == 409
    with app.app_context(), tenant_scope(county["id"]):
        row = db.session.get(Petition, county["ids"]["replied"])
        row.state = "in_handling"  # reopened for the test: an extension in handling
        db.session.commit()
    _extend(app, county, "replied")
    response = _get(client, county, "leader", "replied", "extension")
    assert response.status_code == 200
    text = docx_text(response.data)
    for expected in (
        "延期办理告知书",
        "王秀英：",
        "本机关已于2026年9月18日受理",
        "因需进一步调查，该信访事项情况复杂",
        "第三十四条",
        "办理期限延长30日",
        "2026年10月20日",
    ):
        assert expected in text, expected
    assert "{{" not in text
    clerk = docx_text(_get(client, county, "clerk", "replied", "extension").data)
    assert "王秀英：" in clerk  # a 求决: its petitioner is named for the clerk too


def test_the_assignment_letter_goes_out_under_the_red_head(app, county, client):
    """GB/T 9704: the 交办函 carries the issuing body's mark in red and the red line."""
    document = docx.Document(
        io.BytesIO(_get(client, county, "leader", "assigned", "assignment").data)
    )
    mark = document.paragraphs[0]
    assert mark.text == "county单位"
    assert {str(r.font.color.rgb) for r in mark.runs if r.text.strip()} == {"FF0000"}
    assert mark._p.xpath(".//w:pBdr/w:bottom[@w:color='FF0000']")
    # The notices to the petitioner have no 红头.
    acceptance = docx.Document(
        io.BytesIO(_get(client, county, "leader", "accepted", "acceptance").data)
    )
    assert not acceptance.paragraphs[0]._p.xpath(".//w:pBdr")
