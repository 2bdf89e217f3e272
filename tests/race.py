"""Fire the same request several times at once, each in its own app context, session and
database connection, and say how each ended.

    outcomes = race(app, tenant_id, lambda: db.session.get(Grant, grant_id),
                    lambda grant: GRANT_FLOW.fire(grant, "pay", actor_of(user_id, PERMS)))
    assert sorted(outcomes) == ["409"] * 7 + ["ok"]

Every contender reads the record first (so all start from the same, soon stale, state),
then all wait at a barrier and act together, then commit. An outcome is ``"ok"``, the
HTTP status a :class:`core.workflow.WorkflowError` answers with (``"409"``, ``"403"``),
``"422"`` for a validation error, or the repr of anything else (a 500 in production).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from marshmallow import ValidationError
from sqlalchemy.exc import IntegrityError

from core.auth.models import User
from core.auth.users import Actor
from core.db import db
from core.errors import is_duplicate
from core.tenancy.scope import tenant_scope
from core.workflow import WorkflowError

CONTENDERS = 8


def actor_of(user_id: int, permissions: frozenset[str]) -> Actor:
    """An actor for the current thread's session (a User row is per session)."""
    return Actor(user=db.session.get(User, user_id), permissions=permissions)


def race(
    app: Flask,
    tenant_id: int,
    load: Callable[[], Any],
    act: Callable[[Any], Any],
    contenders: int = CONTENDERS,
) -> list[str]:
    barrier = threading.Barrier(contenders)
    outcomes: list[str] = []
    guard = threading.Lock()

    def contend() -> None:
        with app.app_context(), tenant_scope(tenant_id):
            try:
                obj = load()  # read now: by the time it acts, what it read is stale
            finally:
                barrier.wait(timeout=60)
            try:
                act(obj)
                db.session.commit()
                result = "ok"
            except WorkflowError as exc:
                result = str(exc.status)
            except ValidationError:
                result = "422"
            except IntegrityError as exc:
                # The API answers a unique violation with 409 (core.errors); anything
                # else would be a 500.
                result = "409" if is_duplicate(exc) else repr(exc)
            except Exception as exc:  # noqa: BLE001 - the test reports whatever it was
                result = repr(exc)
            finally:
                db.session.rollback()
                db.session.remove()
            with guard:
                outcomes.append(result)

    threads = [threading.Thread(target=contend) for _ in range(contenders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def race_requests(
    app: Flask, send: Callable[[FlaskClient, int], Any], contenders: int = CONTENDERS
) -> list[Any]:
    """The same HTTP request from ``contenders`` test clients at once: their responses.
    ``send(client, n)`` is called with the contender's number, so each can use its own
    credentials (one token's first use writes to its row, which would queue them)."""
    barrier = threading.Barrier(contenders)
    responses: list[Any] = []
    guard = threading.Lock()

    def contend(number: int) -> None:
        client = app.test_client()
        barrier.wait(timeout=60)
        response = send(client, number)
        with guard:
            responses.append(response)

    threads = [threading.Thread(target=contend, args=(n,)) for n in range(contenders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return responses
