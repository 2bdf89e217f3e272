"""The four notices (.docx): their content read back with python-docx, printable only
once the petition reached them, the petitioner named only for petitions.view_identity
(and audited), never the reporter in a 交办函, and a tenant's own template used."""

from __future__ import annotations

import io
from datetime import date, datetime, time
from types import SimpleNamespace
from urllib.parse import quote

import docx
import pytest
from sqlalchemy import select

from core import clock
from core.audit.models import AuditEntry
from core.auth.users import Actor
from core.db import db
from core.tenancy.models import Tenant
from core.tenancy.scope import tenant_scope
from plugins.petitions.documents import notices
from plugins.petitions.models import PetitionCategory
from plugins.petitions.services.registration import register
from plugins.petitions.workflow import PETITION_FLOW
from tests.factories import bearer, login

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ACTOR = Actor(
    user=None,
    permissions=frozenset(
        {"petitions.view", "petitions.register", "petitions.handle", "petitions.approve"}
    ),
)


def docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    return "\n".join(p.text for p in document.paragraphs)


def _at(day: date) -> None:
    clock.freeze(datetime.combine(day, time(12), tzinfo=clock.TZ))


@pytest.fixture(autouse=True)
def _clock():
    yield
    clock.freeze(None)


def _file(kind: str = "request", **data):
    _at(date(2026, 9, 16))
    category = db.session.scalar(select(PetitionCategory))
    values = {
        "received_on": date(2026, 9, 16),
        "channel": "letter",
        "kind": kind,
        "category_id": category.id,
        "summary": "反映退休待遇未落实问题",
        "details": "第一段。\n第二段。",
        **data,
    }
    people = [{"name": "王秀英", "phone": "13800000000", "id_number": "330122195001011234"}]
    return register(values, people, [{"name": "张某", "unit": "某镇"}], ACTOR)


def _move(petition, day: date, name: str, **data) -> None:
    _at(day)
    PETITION_FLOW.fire(petition, name, ACTOR, comment="依规办理", data=data)


@pytest.fixture
def county(app, factory) -> dict:
    tenant_id = factory.tenant("county", plugins=["petitions"])
    handler = factory.user("county", "li", roles=())
    tokens = {
        who: factory.token(factory.user("county", who, roles=roles))
        for who, roles in (
            ("clerk", ["petition_clerk"]),
            ("leader", ["petition_leader"]),
            ("staff", ["staff"]),
        )
    }
    ids = {}
    with app.app_context(), tenant_scope(tenant_id):
        db.session.add(PetitionCategory(name="退休待遇"))
        db.session.flush()
        fresh = _file()
        accepted = _file()
        _move(accepted, date(2026, 9, 18), "accept")
        refused = _file()
        _move(refused, date(2026, 9, 19), "not_accept", reason="outside_remit")
        replied = _file()
        _move(replied, date(2026, 9, 18), "accept")
        _move(replied, date(2026, 10, 9), "assign_handler", handler_user_id=handler.user_id)
        _move(replied, date(2026, 10, 9), "draft", outcome="support", basis="符合政策")
        _move(replied, date(2026, 10, 10), "approve")
        _move(
            replied,
            date(2026, 10, 12),
            "close",
            reply_text="经核实，你反映的问题属实。\n已责成有关单位于10月底前落实。",
        )
        assigned = _file(kind="report")
        _move(
            assigned,
            date(2026, 9, 20),
            "assign",
            target_name="青山镇党委",
            report_back_due=date(2026, 10, 20),
        )
        anonymous = _file(is_anonymous=True)
        _move(anonymous, date(2026, 9, 18), "accept")
        reporter = _file(kind="report")
        _move(reporter, date(2026, 9, 18), "accept")
        for name, row in (
            ("fresh", fresh),
            ("accepted", accepted),
            ("refused", refused),
            ("replied", replied),
            ("assigned", assigned),
            ("anonymous", anonymous),
            ("reporter", reporter),
        ):
            ids[name] = row.id
        db.session.commit()
    _at(date(2026, 11, 1))
    return {"id": tenant_id, "tokens": tokens, "ids": ids}


def _get(client, county, who: str, petition: str, notice: str, tenant: str = "county"):
    petition_id = county["ids"].get(petition, petition)
    return client.get(
        f"/api/v1/t/{tenant}/petitions/{petition_id}/notices/{notice}.docx",
        headers=bearer(county["tokens"][who]),
    )


def _audit(app, tenant_id: int) -> list[AuditEntry]:
    with app.app_context(), tenant_scope(tenant_id):
        rows = list(
            db.session.scalars(
                select(AuditEntry).where(AuditEntry.action == notices.IDENTITY_VIEWED)
            )
        )
        for row in rows:
            db.session.expunge(row)
        return rows


def test_the_acceptance_notice(app, county, client):
    response = _get(client, county, "leader", "accepted", "acceptance")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == DOCX
    assert quote("受理告知书_XF-2026-000002.docx") in response.headers["Content-Disposition"]
    text = docx_text(response.data)
    for expected in (
        "受理告知书",
        "编号：XF-2026-000002",
        "王秀英：",
        "2026年9月16日通过来信反映的“退休待遇未落实”问题收悉",
        "予以受理",
        "60日内（即2026年11月17日前）",
        "county单位",
        "2026年9月18日",
    ):
        assert expected in text, expected
    assert "{{" not in text


def test_the_non_acceptance_notice_gives_the_reason(app, county, client):
    text = docx_text(_get(client, county, "leader", "refused", "non_acceptance").data)
    assert "不予受理告知书" in text
    assert "该信访事项不属本部门职责范围" in text
    assert "请向依法有权处理的机关提出。" in text
    assert "2026年9月19日" in text


def test_the_reply_carries_the_written_reply(app, county, client):
    response = _get(client, county, "leader", "replied", "reply")
    document = docx.Document(io.BytesIO(response.data))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "答复意见书" in text
    assert "经核实，你反映的问题属实。\n已责成有关单位于10月底前落实。" in text  # line kept
    assert "处理意见：支持。" in text
    assert "30日内" in text and "请求复查" in text
    assert "2026年10月12日" in text
    assert "符合政策" not in text  # the internal basis is not the reply


def test_the_assignment_letter_goes_to_the_unit_with_the_deadline_and_hides_the_reporter(
    app, county, client
):
    text = docx_text(_get(client, county, "leader", "assigned", "assignment").data)
    assert "交办函" in text and "青山镇党委：" in text
    assert "2026年10月20日前将办理结果书面报送本机关" in text
    assert "性质：检举控告" in text
    assert "第一段。\n第二段。" in text
    assert "（检举人身份保密）" in text
    assert "王秀英" not in text and "330122" not in text and "13800000000" not in text
    assert _audit(app, county["id"]) == []  # no identity was printed


def test_a_reporter_is_named_only_with_the_addressee_permission_and_audited(app, county, client):
    text = docx_text(_get(client, county, "clerk", "reporter", "acceptance").data)
    assert "王秀英" not in text and "信访人：" in text
    assert _audit(app, county["id"]) == []

    text = docx_text(_get(client, county, "leader", "reporter", "acceptance").data)
    assert "王秀英：" in text
    [entry] = _audit(app, county["id"])
    assert entry.object_id == str(county["ids"]["reporter"])
    assert entry.detail == {"via": "notice.api", "document": "petitions.acceptance_notice"}
    assert "王秀英" not in str(entry.detail)


def test_other_petitioners_are_named_for_whoever_prints(app, county, client):
    """Issue 12: only a reporter's identity is secret; a 求决 notice printed by the clerk
    names its petitioner (no empty 信访人 line), and that is no disclosure to audit."""
    text = docx_text(_get(client, county, "clerk", "accepted", "acceptance").data)
    assert "王秀英：" in text
    assert _audit(app, county["id"]) == []


def test_an_anonymous_petitioner_is_addressed_as_such(app, county, client):
    text = docx_text(_get(client, county, "leader", "anonymous", "acceptance").data)
    assert "匿名信访人：" in text
    assert _audit(app, county["id"]) == []


@pytest.mark.parametrize(
    ("petition", "notice"),
    [
        ("fresh", "acceptance"),
        ("fresh", "non_acceptance"),
        ("fresh", "reply"),
        ("fresh", "assignment"),
        ("accepted", "reply"),
        ("accepted", "non_acceptance"),
        ("refused", "acceptance"),
        ("assigned", "acceptance"),
    ],
)
def test_a_notice_the_petition_has_not_reached_is_a_conflict(app, county, client, petition, notice):
    response = _get(client, county, "leader", petition, notice)
    assert response.status_code == 409
    assert response.mimetype == "application/problem+json"
    assert "不能出具" in response.get_json()["detail"]


def test_not_found_and_not_allowed(app, county, client, factory):
    factory.tenant("other", plugins=["petitions"])
    other = factory.token(factory.user("other", "mallory", roles=["petition_leader"]))
    accepted = county["ids"]["accepted"]
    response = client.get(
        f"/api/v1/t/other/petitions/{accepted}/notices/acceptance.docx", headers=bearer(other)
    )
    assert response.status_code == 404
    assert _get(client, county, "leader", "987654321", "acceptance").status_code == 404
    assert _get(client, county, "leader", "accepted", "welcome").status_code == 404
    assert _get(client, county, "staff", "accepted", "acceptance").status_code == 403


def test_the_page_route_serves_the_same_document(app, county, client, factory):
    factory.user("county", "reader", roles=["petition_leader"])
    assert login(client, "reader").status_code == 302
    accepted = county["ids"]["accepted"]
    response = client.get(f"/t/county/petitions/{accepted}/notices/acceptance.docx")
    assert response.status_code == 200
    assert "王秀英：" in docx_text(response.data)
    reporter = county["ids"]["reporter"]
    response = client.get(f"/t/county/petitions/{reporter}/notices/acceptance.docx")
    assert "王秀英：" in docx_text(response.data)
    assert [e.detail["via"] for e in _audit(app, county["id"])] == ["notice.page"]
    refused = client.get(f"/t/county/petitions/{accepted}/notices/reply.docx")
    assert refused.status_code == 409


def test_the_default_templates_render_their_samples_and_are_listed(app, county, client, factory):
    from core.documents.services import check_upload, declared

    with app.app_context():
        for definition in notices.definitions():
            assert definition.default_path.is_file()
        tenant = db.session.get(Tenant, county["id"])
        with tenant_scope(county["id"]):
            found = declared(tenant)
            for definition in notices.definitions():
                assert definition.name in found
                check_upload(found[definition.name], definition.default_path.read_bytes())


def test_a_tenants_own_template_is_used(app, county, client, factory):
    admin = factory.token(factory.user("county", "admin", roles=["admin", "petition_leader"]))
    replacement = docx.Document()
    replacement.add_paragraph("本县自定义受理告知书 {{ serial }} {{ petitioner_name }}")
    data = io.BytesIO()
    replacement.save(data)
    upload = client.put(
        "/api/v1/t/county/documents/petitions.acceptance_notice",
        data={"file": (io.BytesIO(data.getvalue()), "受理告知书.docx", DOCX)},
        headers=bearer(admin),
    )
    assert upload.status_code == 200, upload.get_data(as_text=True)
    text = docx_text(_get(client, county, "clerk", "accepted", "acceptance").data)
    assert text.strip() == "本县自定义受理告知书 XF-2026-000002 王秀英"


def test_the_detail_page_can_link_the_notices_a_petition_reached(app, county):
    from plugins.petitions.models import Petition
    from plugins.petitions.presenters import detail_actions_for

    reader = SimpleNamespace(can=lambda key: True)
    with app.test_request_context(), tenant_scope(county["id"]):
        from flask import g

        g.tenant = db.session.get(Tenant, county["id"])
        links = {
            name: [
                (a["title"], a["url"])
                for a in detail_actions_for(
                    db.session.get(Petition, county["ids"][name]), reader, "documents"
                )
                if "/notices/" in a["url"]  # the registration sheet prints at every stage
            ]
            for name in ("fresh", "accepted", "replied", "assigned")
        }
    replied = county["ids"]["replied"]
    assert links["fresh"] == []
    assert [t for t, _u in links["accepted"]] == ["受理告知书"]
    assert links["replied"] == [
        ("受理告知书", f"/t/county/petitions/{replied}/notices/acceptance.docx"),
        ("答复意见书", f"/t/county/petitions/{replied}/notices/reply.docx"),
    ]
    assert [t for t, _u in links["assigned"]] == ["交办函"]
