"""Documents as issued: a formal document is rendered once, when it is issued (签发), and
stored; every later print of it is that stored file.

A notice tells its addressee what was decided on the day; reprinting it from today's
data would change what it says (an extended deadline, a renamed unit, an edited
template). So a plugin issues a document with :func:`issue` — which renders it (through
:func:`core.documents.services.render`, so in the tenant's template and the official
format) only the first time — and reprints it with :func:`issued`. Issuing is audited;
issuing again returns the stored document unchanged, also when two requests issue at
once (the unique ``(tenant_id, object_type, object_id, kind)`` decides).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from core.audit.service import record
from core.db import db, upsert_insert, utcnow
from core.documents import services
from core.documents.models import IssuedDocument
from core.tenancy.models import Tenant
from core.tenancy.scope import current_tenant_id
from core.tenancy.session import TENANT_CHECKED


def issued(object_type: str, object_id: Any, kind: str) -> IssuedDocument | None:
    """The document issued for ``object_type``/``object_id`` of ``kind``, if any."""
    return db.session.scalar(
        select(IssuedDocument).where(
            IssuedDocument.object_type == object_type,
            IssuedDocument.object_id == str(object_id),
            IssuedDocument.kind == kind,
        )
    )


def issue(
    template_name: str,
    context: Mapping[str, Any],
    *,
    object_type: str,
    object_id: Any,
    kind: str,
    issued_by: int | None,
    tenant: Tenant | None = None,
) -> IssuedDocument:
    """Issue the document (render and store it) unless it was issued already; either way
    return the issued one, whose ``content`` is what was sent."""
    existing = issued(object_type, object_id, kind)
    if existing is not None:
        return existing
    tenant_id = current_tenant_id()
    content = services.render(template_name, context, tenant or db.session.get(Tenant, tenant_id))
    values = {
        "tenant_id": tenant_id,
        "template_name": template_name,
        "object_type": object_type,
        "object_id": str(object_id),
        "kind": kind,
        # Dates and numbers as the paper shows them: the context is text for the record.
        "context": json.loads(json.dumps(dict(context), ensure_ascii=False, default=str)),
        "content": content,
        "sha256": hashlib.sha256(content).hexdigest(),
        "issued_by": issued_by,
        "created_at": utcnow(),
    }
    inserted = _insert_once(values)
    row = issued(object_type, object_id, kind)
    assert row is not None  # inserted now, or by the request that won the race
    if inserted:
        detail = {"template": template_name, "for": f"{object_type}:{object_id}", "kind": kind}
        record(
            "document.issued",
            object_type="issued_document",
            object_id=row.id,
            detail={**detail, "sha256": row.sha256},
        )
    return row


def _insert_once(values: dict[str, Any]) -> bool:
    """Insert the issued document unless a concurrent request issued it first (the
    unique key decides); whether this one inserted it."""
    statement = (
        upsert_insert(IssuedDocument)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["tenant_id", "object_type", "object_id", "kind"])
        .returning(IssuedDocument.id)
    )
    return (
        db.session.execute(statement.execution_options(**{TENANT_CHECKED: True})).scalar()
        is not None
    )
