"""Recording and verifying the audit log.

Appending locks the tenant's :class:`AuditHead` row (``FOR UPDATE``), so entries of one
tenant get consecutive sequence numbers and each hash covers its predecessor. Editing or
deleting any entry then breaks the chain, which :func:`verify` finds. On PostgreSQL the
app's role may only SELECT and INSERT this table, and a trigger refuses UPDATE/DELETE
even for the owner (see the core migration).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from flask import g, has_request_context, request
from sqlalchemy import select

from core.audit.models import AuditEntry, AuditHead
from core.db import db, upsert_insert, utcnow
from core.tenancy.scope import current_scope, on_cross_tenant_open, tenant_scope
from core.tenancy.session import TENANT_CHECKED

GENESIS = "0" * 64


def record(
    action: str,
    *,
    obj: Any = None,
    object_type: str | None = None,
    object_id: Any = None,
    detail: dict[str, Any] | None = None,
    tenant_id: int | None = None,
) -> AuditEntry:
    """Append an entry to the log of ``tenant_id`` (default: the tenant in scope, or the
    platform's log when there is none)."""
    if obj is not None:
        object_type = object_type or type(obj).__tablename__
        object_id = object_id if object_id is not None else obj.id
    target = tenant_id if tenant_id is not None else current_scope().tenant_id
    if target is None:
        from core.tenancy.models import platform_tenant

        target = platform_tenant().id
    if target == current_scope().tenant_id:
        return _append(action, object_type, object_id, detail or {})
    with tenant_scope(target):
        return _append(action, object_type, object_id, detail or {})


def _record_opening(
    action: str, reason: str, tenants: object, tenant_id: int | None, *, platform: bool = False
) -> None:
    if platform:
        from core.tenancy.models import platform_tenant

        tenant_id = platform_tenant().id
    record(action, detail={"reason": reason, "tenants": tenants}, tenant_id=tenant_id)


# The scope sits below the log: it asks for this entry through the recorder it is given.
on_cross_tenant_open(_record_opening)


def record_each(
    action: str, objects: Sequence[Any], *, detail: dict[str, Any] | None = None
) -> list[AuditEntry]:
    """One entry per object of ``objects``, in their order, in the log of the tenant in
    scope: what ``record(action, obj=o, detail=detail)`` for each would write, in a
    fixed number of statements (a list page that audits each record it shows)."""
    if not objects:
        return []
    head = _locked_head()
    entries = [
        _next_entry(head, action, type(obj).__tablename__, obj.id, detail or {}) for obj in objects
    ]
    db.session.add_all(entries)
    db.session.flush()  # the entries in one multi-row INSERT, then the head
    return entries


def _append(action: str, object_type: str | None, object_id: Any, detail: dict) -> AuditEntry:
    entry = _next_entry(_locked_head(), action, object_type, object_id, detail)
    db.session.add(entry)
    db.session.flush()
    return entry


def _locked_head() -> AuditHead:
    """The tenant's head row, created if missing, locked until the transaction ends."""
    db.session.execute(
        upsert_insert(AuditHead)
        .values(tenant_id=current_scope().tenant_id, seq=0, hash=GENESIS, created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["tenant_id"])
        .execution_options(**{TENANT_CHECKED: True})
    )
    return db.session.scalars(select(AuditHead).with_for_update()).one()


def _next_entry(
    head: AuditHead, action: str, object_type: str | None, object_id: Any, detail: dict
) -> AuditEntry:
    """The entry that follows ``head`` (moved on to it)."""
    actor_id, actor_name, ip = _actor()
    entry = AuditEntry(
        tenant_id=head.tenant_id,
        seq=head.seq + 1,
        at=utcnow(),
        actor_id=actor_id,
        actor_name=actor_name,
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        detail=detail,
        ip=ip,
        prev_hash=head.hash,
    )
    entry.hash = entry_hash(entry)
    head.seq, head.hash = entry.seq, entry.hash
    return entry


def record_per_tenant(action: str, details: Mapping[int, dict[str, Any]]) -> list[AuditEntry]:
    """Append one entry per tenant (tenant id → detail) to each tenant's own log, in a
    constant number of statements however many tenants (a platform scan's summary per
    tenant), the entries inserted together. Runs where those tenants are writable (a
    platform write scope, or the tenant in scope)."""
    if not details:
        return []
    heads = _locked_heads(sorted(details))
    entries = [_next_entry(h, action, None, None, details[h.tenant_id]) for h in heads]
    db.session.add_all(entries)
    db.session.flush()
    return entries


def _locked_heads(tenants: list[int]) -> list[AuditHead]:
    """The heads of ``tenants``' logs, created if missing and locked in one statement each."""
    now = utcnow()
    db.session.execute(
        upsert_insert(AuditHead)
        .values([{"tenant_id": t, "seq": 0, "hash": GENESIS, "created_at": now} for t in tenants])
        .on_conflict_do_nothing(index_elements=["tenant_id"])
        .execution_options(**{TENANT_CHECKED: True})
    )
    return list(
        db.session.scalars(
            select(AuditHead)
            .where(AuditHead.tenant_id.in_(tenants))
            .order_by(AuditHead.tenant_id)  # one lock order: two scans never deadlock
            .with_for_update()
        )
    )


def _actor() -> tuple[int | None, str, str | None]:
    """The user of the request or job (both set ``g.user``), and the client address."""
    ip = request.remote_addr if has_request_context() else None
    user = g.get("user")
    if user is not None:
        return user.id, user.display_name, ip
    return None, ("匿名" if has_request_context() else "系统"), ip


def entry_hash(entry: Any) -> str:
    """The entry's hash: an :class:`AuditEntry`, or a row of the same named columns."""
    at = entry.at if entry.at.tzinfo else entry.at.replace(tzinfo=UTC)
    payload = {
        "tenant_id": entry.tenant_id,
        "seq": entry.seq,
        "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": entry.actor_id,
        "actor_name": entry.actor_name,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "detail": entry.detail,
        "ip": entry.ip,
        "prev_hash": entry.prev_hash,
    }
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


#: The columns a verification reads: what the hash covers, and the hash.
_HASHED = (
    AuditEntry.tenant_id,
    AuditEntry.seq,
    AuditEntry.at,
    AuditEntry.actor_id,
    AuditEntry.actor_name,
    AuditEntry.action,
    AuditEntry.object_type,
    AuditEntry.object_id,
    AuditEntry.detail,
    AuditEntry.ip,
    AuditEntry.prev_hash,
    AuditEntry.hash,
)


@dataclass(frozen=True)
class ChainProblem:
    tenant_id: int
    seq: int
    #: edited | missing | broken_link | truncated | head_mismatch (see verify_chain);
    #: checkpoint_mismatch | checkpoint_forged (see core.audit.checkpoints)
    problem: str

    def __str__(self) -> str:
        return f"tenant {self.tenant_id} seq {self.seq}: {self.problem}"


def verify_chain(tenant_id: int) -> Iterator[ChainProblem]:
    """Walk one tenant's chain (run inside a scope that can read that tenant)."""
    expected_seq, prev = 1, GENESIS
    # Rows, not entities: the hash reads the same attributes, and building 20,000 ORM
    # objects a second is most of what a verification cost (bench/audit.py).
    entries = db.session.execute(
        select(*_HASHED)
        .where(AuditEntry.tenant_id == tenant_id)
        .order_by(AuditEntry.seq)
        .execution_options(yield_per=2000)
    )
    for entry in entries:
        if entry.seq != expected_seq:
            yield ChainProblem(tenant_id, expected_seq, "missing")
        elif entry.prev_hash != prev:
            yield ChainProblem(tenant_id, entry.seq, "broken_link")
        if entry_hash(entry) != entry.hash:
            yield ChainProblem(tenant_id, entry.seq, "edited")
        expected_seq, prev = entry.seq + 1, entry.hash
    head = db.session.scalar(select(AuditHead).where(AuditHead.tenant_id == tenant_id))
    if head is not None and head.seq != expected_seq - 1:
        yield ChainProblem(tenant_id, expected_seq, "truncated")
    elif head is not None and head.seq and head.hash != prev:
        # The last entry was rewritten (its own hash recomputed): the head still holds
        # the hash it had when it was appended.
        yield ChainProblem(tenant_id, head.seq, "head_mismatch")
