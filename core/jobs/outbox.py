"""The transactional outbox: jobs reach RQ even when Redis was down at commit.

In the RQ mode a job enqueued in a transaction is a ``job_outbox`` row written in that
transaction, so it commits or rolls back with the data it belongs to. After the commit
the web process (or job) that wrote it drains its own rows at once, so a job waits no
longer than before; when that fails (Redis down, the process killed) the rows stay
unsent and ``zugong worker`` drains them on its next pass.

Each row is claimed with ``FOR UPDATE SKIP LOCKED`` (two drains never send one row at
the same time), sent, and marked sent in the claiming transaction. The RQ job id derives
from the row's id (:meth:`core.jobs.backends.RQBackend.send`), so a row sent again after
a drain died between RQ and its commit is recognised and not run twice.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import asdict
from datetime import timedelta

from flask import Flask
from sqlalchemy import delete, func, insert, select, update

from core.db import db, utcnow
from core.jobs.dispatch import Backend, JobCall
from core.jobs.models import OutboxJob

log = logging.getLogger(__name__)

#: Rows claimed per drain transaction.
BATCH = 100
#: Sent rows are kept this long (to see what was sent), then purged.
SENT_RETENTION = timedelta(days=7)

_TABLE = OutboxJob.__table__


def write(call: JobCall) -> int:
    """Add ``call`` to the outbox in the session's current transaction; returns its id."""
    return db.session.execute(
        insert(_TABLE).values(call=asdict(call), created_at=utcnow()).returning(_TABLE.c.id)
    ).scalar_one()


def drain(app: Flask, ids: Iterable[int] | None = None) -> int:
    """Send unsent rows (only ``ids`` if given) to RQ; returns how many were sent.

    Never raises for an unreachable Redis or database: the rows stay unsent and the
    next drain sends them. Must run in ``app``'s app context.
    """
    backend = app.extensions["zugong.jobs"]
    if not backend.uses_outbox:
        return 0
    wanted = None if ids is None else sorted(set(ids))
    if wanted == []:
        return 0
    total = 0
    try:
        while True:
            sent, complete = _drain_batch(backend, wanted)
            total += sent
            if complete or wanted is not None:
                return total
    except Exception:
        log.warning("job outbox: %d sent, the rest wait for the next drain", total, exc_info=True)
        return total


def _drain_batch(backend: Backend, ids: list[int] | None) -> tuple[int, bool]:
    """One transaction: claim up to :data:`BATCH` rows, send them, mark them sent.

    Returns (rows sent, whether there was nothing more to claim). A send that fails
    stops the batch; the rows sent before it are still marked.
    """
    query = (
        select(_TABLE.c.id, _TABLE.c.call)
        .where(_TABLE.c.sent_at.is_(None))
        .order_by(_TABLE.c.id)
        .limit(BATCH)
        .with_for_update(skip_locked=True)
    )
    if ids is not None:
        query = query.where(_TABLE.c.id.in_(ids))
    sent: list[int] = []
    failure: Exception | None = None
    with db.engine.begin() as conn:
        rows = conn.execute(query).all()
        for row in rows:
            try:
                backend.send(row.id, JobCall(**row.call))
            except Exception as exc:  # Redis unreachable: keep the row for the next drain
                failure = exc
                break
            sent.append(row.id)
        if sent:
            conn.execute(update(_TABLE).where(_TABLE.c.id.in_(sent)).values(sent_at=utcnow()))
    if failure is not None:
        raise failure
    return len(sent), len(rows) < BATCH


def unsent_count() -> int:
    """Rows waiting for a drain (for health checks and tests)."""
    with db.engine.connect() as conn:
        return conn.scalar(select(func.count()).where(_TABLE.c.sent_at.is_(None)))


def purge_sent() -> int:
    """Forget rows sent longer than :data:`SENT_RETENTION` ago (core's maintenance job)."""
    result = db.session.execute(
        delete(_TABLE).where(_TABLE.c.sent_at < utcnow() - SENT_RETENTION).returning(_TABLE.c.id)
    )
    return len(result.all())
