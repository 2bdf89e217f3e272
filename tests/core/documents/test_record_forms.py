"""Standard forms printed from one record (issue 13: 督办通知单 and the others), served by
core at ``/t/<tenant>/forms/<name>/<id>.docx`` from the plugin's declaration: filled
from the record in the tenant's template, audited, and a 404 for another tenant's record
or a template that is not a record form."""

from __future__ import annotations

import io

import docx
import pytest
import sqlalchemy as sa

from core.audit.models import AuditEntry
from core.db import db
from core.tenancy.models import Tenant
from core.tenancy.scope import tenant_scope
from tests.factories import bearer, login

API = "/api/v1/t/county/supervision"


def _text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


@pytest.fixture
def item(app, factory, client) -> int:
    factory.tenant("county", plugins=["supervision"])
    factory.tenant("other", plugins=["supervision"])
    officer = factory.user("county", "officer", roles=["admin", "supervisor"])
    owner = factory.user("county", "owner", roles=["task_owner"], display_name="李责任")
    factory.user("other", "stranger", roles=["admin", "supervisor"])
    body = {
        "title": "完成软弱涣散党组织整顿",
        "source": "meeting",
        "deadline": "2027-06-30",
        "requirements": "按月报送进展。",
        "assign": True,
        "person_user_id": owner.user_id,
        "leader_user_id": officer.user_id,
    }
    created = client.post(f"{API}/items", json=body, headers=bearer(factory.token(officer)))
    assert created.status_code == 201, created.get_json()
    return created.get_json()["id"]


def test_the_notice_form_is_filled_from_the_item_and_audited(app, client, item):
    login(client, "officer")
    answer = client.get(f"/t/county/forms/supervision.notice_form/{item}.docx")
    assert answer.status_code == 200
    assert (
        "督办通知单" in answer.headers["Content-Disposition"]
        or "filename*" in (answer.headers["Content-Disposition"])
    )
    text = _text(answer.data)
    for shown in (
        "督办通知单",
        "完成软弱涣散党组织整顿",
        "部务会议定事项",
        "李责任",
        "2027年6月30日",
    ):
        assert shown in text, shown
    assert "{{" not in text
    with app.app_context():
        county = db.session.scalar(sa.select(Tenant.id).where(Tenant.slug == "county"))
        with tenant_scope(county):
            printed = db.session.scalars(
                sa.select(AuditEntry).where(AuditEntry.action == "document.printed")
            ).all()
            assert [(e.object_type, str(e.object_id)) for e in printed] == [
                ("supervision.notice_form", str(item))
            ]


def test_another_tenants_item_and_a_template_that_is_not_a_form_are_404(client, item):
    login(client, "stranger")
    assert client.get(f"/t/other/forms/supervision.notice_form/{item}.docx").status_code == 404
    login(client, "officer")
    assert client.get(f"/t/county/forms/supervision.bulletin/{item}.docx").status_code == 404
    assert client.get(f"/t/county/forms/no.such/{item}.docx").status_code == 404
    assert (
        client.get(f"/t/county/forms/supervision.notice_form/{item + 999}.docx").status_code == 404
    )


def test_printing_needs_the_plugins_view_permission(client, factory, item):
    factory.user("county", "nobody", roles=[])
    login(client, "nobody")
    answer = client.get(f"/t/county/forms/supervision.notice_form/{item}.docx")
    assert answer.status_code in (403, 404)
