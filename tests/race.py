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
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
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
from core.workflow import Workflow, WorkflowError

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


# -- Scenarios: how to put a record of a declared workflow into any of its states -------


@dataclass(frozen=True)
class World:
    """What scenario builders get: the tenant in scope, one actor who may do everything
    the scenario's workflow needs, and a way to move the (frozen) clock on."""

    tenant_id: int
    actor: Actor
    later: Callable[[int], None]  # later(days): the clock moves on that many days


#: A step on the way to a state: a transition's name, or a function that changes the
#: record so that the next step's guard lets it through (a notice period that ended…).
Step = str | Callable[[Any, World], None]


@dataclass(frozen=True)
class Scenarios:
    """A workflow's scenario builder: every declared (transition, source) gets a race
    from it without a new test.

    ``create`` makes a record in the initial state; ``paths[state]`` are the steps from
    there to ``state``; ``ready[transition]`` runs once the record is in the source
    state, so the transition's guards pass; ``data(transition, world)`` is what the move
    needs; ``firing(transition)`` the context a move is fired in (petitions' linked
    moves); ``prepare`` sets the tenant up once (money in the fund…)."""

    workflow: Workflow
    model: type
    permissions: frozenset[str]
    create: Callable[[World], Any]
    paths: dict[str, list[Step]]
    data: Callable[[str, World], dict[str, Any]] = lambda _t, _w: {}
    ready: dict[str, Callable[[Any, World], None]] = field(default_factory=dict)
    firing: Callable[[str], AbstractContextManager[Any]] = lambda _t: nullcontext()
    prepare: Callable[[World], None] = lambda _w: None
    #: How many postings the tenant's ledger holds (for "money moves at most once").
    postings: Callable[[], int] = lambda: 0

    def fire(self, obj: Any, transition: str, world: World) -> None:
        with self.firing(transition):
            self.workflow.fire(
                obj, transition, world.actor, comment=COMMENT, data=self.data(transition, world)
            )

    def reach(self, state: str, world: World) -> Any:
        """A new record in ``state``."""
        if state not in self.paths:
            raise LookupError(f"{self.workflow.name}: no path to state {state!r}")
        obj = self.create(world)
        for step in self.paths[state]:
            if callable(step):
                step(obj, world)
            else:
                self.fire(obj, step, world)
        db.session.flush()
        return obj


@dataclass(frozen=True)
class MoneyAction:
    """A money-moving action that is not a declared transition (a delivery, a
    repayment, a reversal): ``build`` makes the object it acts on and returns its id,
    ``act`` does it once; ``audit`` is the audit action it leaves (exactly one)."""

    name: str
    model: type
    permissions: frozenset[str]
    build: Callable[[World], int]
    act: Callable[[Any, Actor], Any]
    audit: str
    prepare: Callable[[World], None] = lambda _w: None
    postings: Callable[[], int] = lambda: 0


#: Every move is fired with a comment (some require one).
COMMENT = "并发测试：同一请求同时提交八次"
