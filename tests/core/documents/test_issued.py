"""A document once issued is frozen: the .docx as sent is stored and reprinted as is
(issue 12: an acceptance notice regenerated after an extension said 90日 instead of the
60日 it was sent with). New module: fails on main."""

from __future__ import annotations

from sqlalchemy import func, select

from core.audit.models import AuditEntry
from core.db import db
from core.documents import issued as issuing
from core.documents.member_form import NAME, SAMPLE_CONTEXT
from core.documents.models import IssuedDocument
from core.tenancy.models import Tenant
from core.tenancy.scope import tenant_scope
from tests.core.documents.helpers import docx_text


def _issue(context: dict, **where):
    return issuing.issue(
        NAME,
        context,
        object_type="member",
        object_id=where.get("object_id", 7),
        kind="registration",
        issued_by=None,
    )


def test_issuing_stores_the_document_once_and_reprints_it_as_sent(app_context, factory):
    tenant_id = factory.tenant("county")
    other_id = factory.tenant("town")
    with tenant_scope(tenant_id):
        first = _issue({**SAMPLE_CONTEXT, "name": "张三"})
        db.session.commit()
        # Later the data changed: a reprint is still the document as sent.
        again = _issue({**SAMPLE_CONTEXT, "name": "李四"})
        assert again.id == first.id and again.content == first.content
        assert "张三" in docx_text(again.content) and "李四" not in docx_text(again.content)
        assert issuing.issued("member", "7", "registration").context["name"] == "张三"
        assert issuing.issued("member", 8, "registration") is None
        count = db.session.scalar(select(func.count()).select_from(IssuedDocument))
        assert count == 1
        actions = db.session.scalars(
            select(AuditEntry.action).where(AuditEntry.action == "document.issued")
        ).all()
        assert actions == ["document.issued"]  # issued once, audited once
    with tenant_scope(other_id):
        assert issuing.issued("member", "7", "registration") is None  # another tenant's
        assert db.session.get(Tenant, other_id) is not None
