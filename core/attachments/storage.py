"""Where the bytes live: a folder per tenant, files named by their SHA-256.

``ATTACHMENTS_PATH`` (default ``<instance>/attachments``) must be shared by every web
and worker process (a local disk for one server, a network mount for several). Content
addressing makes a write idempotent and a rolled-back upload harmless: at worst a file
nobody references, never a reference to a missing file.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from flask import current_app


def root() -> Path:
    return Path(current_app.config["ATTACHMENTS_PATH"])


def path_for(tenant_id: int, sha256: str) -> Path:
    return root() / str(int(tenant_id)) / sha256[:2] / sha256


def put(tenant_id: int, sha256: str, data: bytes) -> None:
    target = path_for(tenant_id, sha256)
    if target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as tmp:
        tmp.write(data)
        tmp.flush()
        os.fsync(tmp.fileno())
    os.replace(tmp.name, target)


def get(tenant_id: int, sha256: str) -> bytes:
    return path_for(tenant_id, sha256).read_bytes()
