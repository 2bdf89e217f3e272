"""A tenant's replacement for a document template (the default ships with its plugin)."""

from __future__ import annotations

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, BigId, TenantOwned

#: ``<plugin>.<document>``: plugin names are at most 40 characters (tenant_plugins.plugin).
NAME_MAX = 80


class DocumentTemplate(TenantOwned, Base):
    """The .docx a tenant uploaded in place of a plugin's default; at most one per name.

    ``created_at`` is when the current file was uploaded (a new upload replaces the row's
    content and time). The unique ``(tenant_id, name)`` also serves the tenant's list.
    """

    __tablename__ = "document_templates"
    __tenant_args__ = (UniqueConstraint("tenant_id", "name"),)

    name: Mapped[str] = mapped_column(String(NAME_MAX))
    #: The name the file had on the uploader's machine, shown to admins.
    filename: Mapped[str] = mapped_column(String(200))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))


class IssuedDocument(TenantOwned, Base):
    """A formal document as it was issued (签发): the exact .docx sent, kept so that a
    reprint is the same paper, not a new rendering of today's data and template.

    ``(object_type, object_id, kind)`` names what it was issued for, e.g. ``("petition",
    "42", "acceptance_notice")``: unique in the tenant, so it is issued once. ``created_at``
    is when it was issued.
    """

    __tablename__ = "issued_documents"
    __tenant_args__ = (UniqueConstraint("tenant_id", "object_type", "object_id", "kind"),)

    template_name: Mapped[str] = mapped_column(String(NAME_MAX))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(40))
    #: The values it was rendered with (what the paper says), for the record and search.
    context: Mapped[dict] = mapped_column(JSON)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    issued_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))
