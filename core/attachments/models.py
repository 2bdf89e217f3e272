"""An uploaded file's record; the bytes live in :mod:`core.attachments.storage`."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, BigId, TenantOwned
from core.tenancy.grants import Grantable


class Attachment(TenantOwned, Base):
    """One file attached to one record (``owner_kind`` + ``owner_id``) of the tenant.

    ``owner_id`` has no foreign key: owners live in different plugins' tables. Deleting
    an owner never happens (records are kept), so there is nothing to cascade.
    """

    __tablename__ = "attachments"
    #: A file follows its record: whoever was granted the record reads its files.
    __grantable__ = Grantable(kind_column="owner_kind", id_column="owner_id")
    __tenant_args__ = (
        Index("ix_attachments_tenant_id_owner", "tenant_id", "owner_kind", "owner_id"),
    )

    owner_kind: Mapped[str] = mapped_column(String(40))
    owner_id: Mapped[int] = mapped_column(BigId)
    #: The name on the uploader's machine, cleaned; shown and offered on download.
    filename: Mapped[str] = mapped_column(String(200))
    #: The detected type (:data:`core.attachments.filetypes.TYPES`), never the client's.
    file_type: Mapped[str] = mapped_column(String(10))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))
