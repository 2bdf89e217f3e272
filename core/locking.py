"""Row locks for state changes: one request at a time moves a given record.

A move decided on a stale read happens twice when two identical requests race (two
payments of one approved grant, two deliveries of one campaign target). So every state
change — :meth:`core.workflow.Workflow.fire` and the money actions that are not
transitions — first calls :func:`lock_for_update` on the record, then checks its state
and guards on what it re-read.

* On PostgreSQL that is ``SELECT … FOR UPDATE`` with the row re-read: a second request
  waits until the first commits, then sees the new state.
* On SQLite (the embedded mode) there are no row locks, but there is only ever one
  writer: a no-op ``UPDATE`` of the row takes the database's write lock for the rest of
  the transaction, and the re-read that follows sees whatever the previous writer
  committed.

The lock lasts until the transaction ends; locking the same row again in the same
transaction does nothing (and keeps changes already made to it).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect, update
from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.orm import Session

from core.db import db

_LOCKED = "zugong.locked_rows"


class RowNotLockable(Exception):
    """The row can be read here but not locked: another tenant's record read through a
    grant (the row-level security policy lets a grantee select it, never update it)."""


def lock_for_update(obj: Any) -> None:
    """Lock ``obj``'s row until the end of the transaction and reload it from the
    database, so what is checked next is what other transactions committed."""
    state = inspect(obj, raiseerr=False)
    if state is None or state.transient or state.pending:
        # Not a row (a workflow may drive any object), or not in the database yet:
        # nobody else can see it, let alone move it.
        return
    locked: set[Any] = db.session.info.setdefault(_LOCKED, set())
    if state.identity_key in locked:
        return
    if state.modified:
        # Changes made before the lock are written first (and the write locks the row);
        # a refresh would otherwise throw them away.
        db.session.flush()
    model = type(obj)
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(
            update(model)
            .where(model.id == obj.id)
            .values(id=model.id)
            .execution_options(synchronize_session=False)
        )
    try:
        db.session.refresh(obj, with_for_update=True)
    except InvalidRequestError as exc:  # FOR UPDATE found no row it may change
        raise RowNotLockable(f"{model.__name__} {obj.id} cannot be locked here") from exc
    locked.add(state.identity_key)


@event.listens_for(Session, "after_transaction_end")
def _forget_locks(session: Session, _transaction: Any) -> None:
    # Row locks end with the transaction; a savepoint rolled back may have released
    # some, so forget them all then too (locking again only costs a re-read).
    session.info.pop(_LOCKED, None)
