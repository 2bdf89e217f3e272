"""Signed checkpoints of the audit chains, kept outside the database.

The chain proves that no entry was edited in place, but someone who can write the
database could edit an entry, recompute every later hash and the head, and leave a
consistent chain. ``zugong audit checkpoint`` therefore writes, per tenant, the newest
``(seq, hash)`` to a file, signed with HMAC-SHA256 under a key that is not in the
database (``ZUGONG_AUDIT_KEY``, or a key file in the instance folder). ``zugong audit
verify`` checks each chain against its tenant's latest checkpoint: the entry at that
``seq`` must still carry that hash. Run the checkpoint periodically (a systemd timer or
cron) and keep the files where the database's users cannot write (e.g. back them up).

One file per tenant (``<tenant id>.jsonl``), one signed line per checkpoint.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from core.audit.models import AuditEntry, AuditHead
from core.audit.service import ChainProblem
from core.db import db


@dataclass(frozen=True)
class Checkpoint:
    tenant_id: int
    seq: int
    hash: str
    at: str

    def payload(self) -> bytes:
        fields = {"tenant_id": self.tenant_id, "seq": self.seq, "hash": self.hash, "at": self.at}
        return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()


def folder() -> Path:
    return Path(current_app.config["AUDIT_CHECKPOINT_PATH"])


def _key() -> bytes:
    configured = current_app.config.get("AUDIT_KEY")
    if configured:
        return configured.encode()
    path = Path(current_app.config["INSTANCE_PATH"]) / "audit_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip().encode()


def _sign(checkpoint: Checkpoint) -> str:
    return hmac.new(_key(), checkpoint.payload(), hashlib.sha256).hexdigest()


def write_checkpoint(tenant_id: int) -> Checkpoint | None:
    """Record the tenant's current head (``None`` if its log is empty). Run inside a
    scope that can read the tenant."""
    head = db.session.scalar(select(AuditHead).where(AuditHead.tenant_id == tenant_id))
    if head is None or head.seq == 0:
        return None
    now = datetime.now(UTC).isoformat(timespec="seconds")
    checkpoint = Checkpoint(tenant_id, head.seq, head.hash, now)
    line = json.loads(checkpoint.payload()) | {"hmac": _sign(checkpoint)}
    folder().mkdir(parents=True, exist_ok=True)
    with (folder() / f"{tenant_id}.jsonl").open("a", encoding="utf-8") as out:
        out.write(json.dumps(line, sort_keys=True) + "\n")
    return checkpoint


def latest_checkpoint(tenant_id: int) -> Checkpoint | str | None:
    """The tenant's newest checkpoint; ``"forged"`` if its signature does not hold."""
    path = folder() / f"{tenant_id}.jsonl"
    if not path.exists():
        return None
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if not lines:
        return None
    try:
        raw = json.loads(lines[-1])
        checkpoint = Checkpoint(int(raw["tenant_id"]), int(raw["seq"]), raw["hash"], raw["at"])
        signature = raw["hmac"]
    except (ValueError, KeyError, TypeError):
        return "forged"
    if checkpoint.tenant_id != tenant_id or not hmac.compare_digest(signature, _sign(checkpoint)):
        return "forged"
    return checkpoint


def verify_checkpoint(tenant_id: int) -> Iterator[ChainProblem]:
    """Whether the tenant's chain still holds its latest checkpoint."""
    checkpoint = latest_checkpoint(tenant_id)
    if checkpoint is None:
        return
    if checkpoint == "forged":
        yield ChainProblem(tenant_id, 0, "checkpoint_forged")
        return
    assert isinstance(checkpoint, Checkpoint)
    found = db.session.scalar(
        select(AuditEntry.hash).where(
            AuditEntry.tenant_id == tenant_id, AuditEntry.seq == checkpoint.seq
        )
    )
    if found != checkpoint.hash:
        yield ChainProblem(tenant_id, checkpoint.seq, "checkpoint_mismatch")
