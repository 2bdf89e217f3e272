"""Grants: the planned exception to isolation — one record of tenant A readable by tenant B.

A grant is data: a :class:`RecordGrant` row in the owner's tenant naming the record (its
kind and id) and the receiving tenant. A model opts in with ``__grantable__ =
Grantable(...)``, saying which granted record governs each of its rows (an item governs
itself; its versions and attachments follow the item). Inside :func:`granted_scope
<core.tenancy.scope.granted_scope>` — opened for one audited purpose — the ORM criteria
(:mod:`core.tenancy.session`) and the PostgreSQL policy (:func:`core.tenancy.rls.
enable_grant_reads`) both admit such rows for the grantee, for reads only: a row stays in
its owner's tenant, and writing it from another tenant is refused as ever.

Grants are written and revoked only here, each change audited in the owner's log (and
in the acting tenant's, when an upper level passes a grant on to its own parent).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, ForeignKey, Index, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, BigId, TenantOwned, db, utcnow
from core.tenancy.scope import current_tenant_id, tenant_scope
from core.tenancy.session import GRANTS_TABLE


class GrantRefused(PermissionError):
    """The tenant in scope may not grant (or revoke) this record."""


@dataclass(frozen=True)
class Grantable:
    """Which granted record governs a row: ``kind`` (or the column holding the kind) and
    the column holding the record's id."""

    kind: str | None = None
    kind_column: str | None = None
    id_column: str = "id"

    def __post_init__(self) -> None:
        if (self.kind is None) == (self.kind_column is None):
            raise ValueError("a grantable model names either its kind or its kind column")

    def kind_of(self, obj: Any) -> str:
        return self.kind if self.kind is not None else getattr(obj, self.kind_column)

    def id_of(self, obj: Any) -> int:
        return getattr(obj, self.id_column)


class RecordGrant(TenantOwned, Base):
    """Tenant ``grantee_tenant_id`` may read record ``record_kind``/``record_id`` of
    ``tenant_id`` (the owner). Revoking deletes the row; the audit log keeps the story."""

    __tablename__ = GRANTS_TABLE
    __tenant_args__ = (
        # Leads with the owner (the shard key) and serves the EXISTS of every check.
        UniqueConstraint("tenant_id", "record_kind", "record_id", "grantee_tenant_id"),
        # The grantee's side ("what was I granted": inboxes, live rankings) without a
        # scan of every grant row (migration core_0009).
        Index(
            "ix_record_grants_grantee", "grantee_tenant_id", "record_kind", "tenant_id", "record_id"
        ),
    )

    record_kind: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[int] = mapped_column(BigInteger)
    grantee_tenant_id: Mapped[int] = mapped_column(BigId, ForeignKey("tenants.id"))
    reason: Mapped[str] = mapped_column(String(200))
    granted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    granted_by_tenant_id: Mapped[int] = mapped_column(BigId, ForeignKey("tenants.id"))
    granted_by_user_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))


def grantable_rule(cls: type) -> Grantable | None:
    return getattr(cls, "__grantable__", None)


def _key(obj: Any) -> tuple[int, str, int]:
    rule = grantable_rule(type(obj))
    if rule is None:
        raise TypeError(f"{type(obj).__name__} is not grantable")
    if obj.id is None:
        db.session.flush()
    return obj.tenant_id, rule.kind_of(obj), rule.id_of(obj)


def _find(owner: int, kind: str, record_id: int, grantee: int) -> RecordGrant | None:
    return db.session.scalar(
        select(RecordGrant).where(
            RecordGrant.tenant_id == owner,
            RecordGrant.record_kind == kind,
            RecordGrant.record_id == record_id,
            RecordGrant.grantee_tenant_id == grantee,
        )
    )


def holds_grant(obj: Any, tenant_id: int | None = None) -> bool:
    """Whether ``tenant_id`` (default: the tenant in scope) was granted ``obj``."""
    owner, kind, record_id = _key(obj)
    grantee = tenant_id if tenant_id is not None else current_tenant_id()
    with tenant_scope(owner):
        return _find(owner, kind, record_id, grantee) is not None


def grants_of(obj: Any) -> list[RecordGrant]:
    """Every grant of ``obj`` (read in its owner's tenant)."""
    owner, kind, record_id = _key(obj)
    with tenant_scope(owner):
        return list(
            db.session.scalars(
                select(RecordGrant)
                .where(RecordGrant.record_kind == kind, RecordGrant.record_id == record_id)
                .order_by(RecordGrant.granted_at, RecordGrant.id)
            )
        )


def grant(obj: Any, grantee_tenant_id: int, reason: str) -> RecordGrant:
    """Let ``grantee_tenant_id`` read ``obj`` (and every row it governs).

    The owner grants its own records; a tenant that was granted a record may pass it on
    (an upper level forwarding an item to its own parent). Granting twice is one grant.
    """
    owner, kind, record_id = _key(obj)
    acting = current_tenant_id()
    if not reason:
        raise ValueError("a grant needs a reason")
    if grantee_tenant_id in (owner, acting):
        raise GrantRefused("a tenant is not granted what it already reads")
    if acting != owner and not holds_grant(obj, acting):
        raise GrantRefused(f"tenant {acting} holds no grant on {kind} {record_id}")
    with tenant_scope(owner):
        existing = _find(owner, kind, record_id, grantee_tenant_id)
        if existing is not None:
            return existing
        row = RecordGrant(
            record_kind=kind,
            record_id=record_id,
            grantee_tenant_id=grantee_tenant_id,
            reason=reason,
            granted_by_tenant_id=acting,
            granted_by_user_id=_user_id(),
        )
        db.session.add(row)
        db.session.flush()
    _audit("grant.create", owner, acting, kind, record_id, grantee_tenant_id, reason)
    return row


def revoke(obj: Any, grantee_tenant_id: int, reason: str) -> bool:
    """Withdraw ``grantee_tenant_id``'s grant on ``obj``; only the owner, or the tenant
    that passed the grant on, may. Returns whether there was one."""
    owner, kind, record_id = _key(obj)
    acting = current_tenant_id()
    with tenant_scope(owner):
        row = _find(owner, kind, record_id, grantee_tenant_id)
        if row is None:
            return False
        if acting not in (owner, row.granted_by_tenant_id):
            raise GrantRefused(f"tenant {acting} did not grant {kind} {record_id}")
        db.session.delete(row)
        db.session.flush()
    _audit("grant.revoke", owner, acting, kind, record_id, grantee_tenant_id, reason)
    return True


def _audit(
    action: str, owner: int, acting: int, kind: str, record_id: int, grantee: int, reason: str
) -> None:
    from core.audit.service import record

    detail = {"grantee": grantee, "by_tenant": acting, "reason": reason}
    for tenant_id in dict.fromkeys((owner, acting)):
        record(action, object_type=kind, object_id=record_id, detail=detail, tenant_id=tenant_id)


def _user_id() -> int | None:
    from flask import g, has_app_context

    user = g.get("user") if has_app_context() else None
    return user.id if user is not None else None
