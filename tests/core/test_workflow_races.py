"""Every state change happens once (issue 11): every transition declared with
:class:`core.workflow.Workflow`, in every plugin, from every one of its source states,
and every money-moving action that is not a transition, is fired by eight contenders at
once on PostgreSQL — each with its own app context, session and connection, all let go
by one barrier. Exactly one wins: one history row, one audit entry, at most one
posting; the seven others get 409, never a 500 or any other error.

The cases are generated from :data:`core.workflow.DECLARED` and the plugins' scenario
builders (``tests/plugins/<plugin>/races.py``: how to bring a record into any state with
what the guards need), so a new transition is raced without a new test; a workflow or a
source state without a scenario fails :func:`test_every_declared_transition_is_raced`.

Self-loops (a transition whose target is one of its sources) are not refused by their
state: every contender may legitimately move in turn. :data:`SELF_LOOPS` says for each
how many may pass — all of them, one after another, each with its history row and audit
entry (a progress report, naming the same handler again), or one when a guard allows
only one (an extension) — and the test checks that, and that nobody failed otherwise.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

import tests.plugins
from core import clock
from core.audit.models import AuditEntry
from core.db import db
from core.tenancy.scope import tenant_scope
from core.workflow import DECLARED, StateChange, Workflow
from tests.race import CONTENDERS, MoneyAction, Scenarios, World, actor_of, race

TODAY = date(2026, 3, 2)
PLUGINS = ["assistance", "petitions", "supervision"]

#: (workflow, transition) of each self-loop → how many of the eight may pass. From
#: another of its sources the first contender moves the record into the loop, and the
#: others then loop after it.
SELF_LOOPS = {
    # Naming the same handler again is a legitimate (if pointless) move: they queue.
    ("petition", "assign_handler"): CONTENDERS,
    # A petition is extended once at most (guard): the first wins.
    ("petition", "extend"): 1,
    # One request for an extension may wait at a time, and one refusal ends it.
    ("petition", "request_extension"): 1,
    ("petition", "refuse_extension"): 1,
    # Every progress report is a report of its own.
    ("supervision_item", "report"): CONTENDERS,
}


#: Core's own workflows' scenario builders (the plugins' are found by their package).
CORE_RACES = ["tests.core.rounds.races"]


def _race_modules() -> list:
    modules = [importlib.import_module(name) for name in CORE_RACES]
    for info in pkgutil.iter_modules(tests.plugins.__path__):
        try:
            modules.append(importlib.import_module(f"tests.plugins.{info.name}.races"))
        except ModuleNotFoundError as exc:
            if exc.name != f"tests.plugins.{info.name}.races":
                raise
    return modules


SCENARIOS: dict[str, Scenarios] = {
    s.workflow.name: s for module in _race_modules() for s in module.SCENARIOS
}
MONEY_ACTIONS: list[MoneyAction] = [
    a for module in _race_modules() for a in getattr(module, "MONEY_ACTIONS", [])
]
CASES = [
    pytest.param(s, t.name, source, id=f"{s.workflow.name}.{t.name}.from_{source}")
    for s in SCENARIOS.values()
    for t in s.workflow.transitions
    for source in t.sources
]


def product_workflows() -> dict[str, Workflow]:
    """The workflows the product declares (a test may declare its own in DECLARED)."""
    found = {}
    for name, module in list(sys.modules.items()):
        if name.split(".")[0] in ("core", "plugins"):
            for value in list(vars(module).values()):
                if isinstance(value, Workflow):
                    found[value.name] = value
    return found


@pytest.fixture
def county(pg_app, pg_factory) -> Iterator[dict]:
    """A county (under a city) with every plugin, one person, the clock on TODAY."""

    def freeze(day: date) -> None:
        clock.freeze(datetime.combine(day, time(12), tzinfo=clock.TZ))

    freeze(TODAY)
    pg_factory.tenant("city", plugins=PLUGINS)
    tenant_id = pg_factory.tenant("county", parent="city", plugins=PLUGINS)
    person = pg_factory.user("county", "racer", roles=())
    shift = {"days": 0}

    def later(days: int) -> None:
        shift["days"] += days
        freeze(TODAY + timedelta(days=shift["days"]))

    yield {"tenant_id": tenant_id, "user_id": person.user_id, "later": later}
    clock.freeze(None)
    clock.set_offset(timedelta(0))


def _world(county: dict, permissions: frozenset[str]) -> World:
    return World(county["tenant_id"], actor_of(county["user_id"], permissions), county["later"])


def _counts(
    app, county: dict, postings, workflow: str, record_id: int | None, action: str
) -> dict[str, int]:
    """Rows so far: history of the record (all transitions), audit entries of the
    action, postings (if the plugin keeps any). Compared before and after the race."""
    with app.app_context(), tenant_scope(county["tenant_id"]):
        history = db.session.scalar(
            select(func.count(StateChange.id)).where(
                StateChange.workflow == workflow, StateChange.record_id == record_id
            )
        )
        audit = db.session.scalar(
            select(func.count(AuditEntry.id)).where(AuditEntry.action == action)
        )
        return {"history": history, "audit": audit, "postings": postings()}


@pytest.mark.parametrize(("scenario", "transition", "source"), CASES)
def test_eight_identical_moves_at_once_happen_once(
    pg_app, county, scenario: Scenarios, transition: str, source: str
):
    workflow = scenario.workflow
    with pg_app.app_context(), tenant_scope(county["tenant_id"]):
        world = _world(county, scenario.permissions)
        scenario.prepare(world)
        obj = scenario.reach(source, world)
        if transition in scenario.ready:
            scenario.ready[transition](obj, world)
        db.session.commit()
        record_id = obj.id
    action = f"{workflow.name}.{transition}"
    before = _counts(pg_app, county, scenario.postings, workflow.name, record_id, action)

    def move(obj) -> None:
        scenario.fire(obj, transition, _world(county, scenario.permissions))

    outcomes = race(
        pg_app,
        county["tenant_id"],
        lambda: db.session.get(scenario.model, record_id),
        move,
    )

    winners = SELF_LOOPS.get((workflow.name, transition), 1)
    assert sorted(outcomes) == sorted(["ok"] * winners + ["409"] * (CONTENDERS - winners))
    after = _counts(pg_app, county, scenario.postings, workflow.name, record_id, action)
    # Each winner's history row and audit entry (effects may add moves of other records
    # or other tenants, never of this record).
    assert after["history"] - before["history"] == winners
    assert after["audit"] - before["audit"] == winners
    assert after["postings"] - before["postings"] <= winners


@pytest.mark.parametrize("action", MONEY_ACTIONS, ids=[a.name for a in MONEY_ACTIONS])
def test_eight_identical_money_actions_at_once_move_money_once(pg_app, county, action):
    with pg_app.app_context(), tenant_scope(county["tenant_id"]):
        world = _world(county, action.permissions)
        action.prepare(world)
        object_id = action.build(world)
        db.session.commit()
    before = _counts(pg_app, county, action.postings, "", None, action.audit)

    outcomes = race(
        pg_app,
        county["tenant_id"],
        lambda: db.session.get(action.model, object_id),
        lambda obj: action.act(obj, actor_of(county["user_id"], action.permissions)),
    )

    assert sorted(outcomes) == ["409"] * (CONTENDERS - 1) + ["ok"]
    after = _counts(pg_app, county, action.postings, "", None, action.audit)
    assert after["postings"] - before["postings"] == 1
    if action.audit:
        assert after["audit"] - before["audit"] == 1


def test_every_declared_transition_is_raced(pg_app):
    """A workflow without a scenario, a source state without a path, or a self-loop
    without an expectation fails here (and its generated case fails too)."""
    del pg_app  # the app loads every installed plugin, so every workflow is declared
    missing = []
    for name, workflow in product_workflows().items():
        assert DECLARED[name] is workflow
        scenario = SCENARIOS.get(name)
        if scenario is None:
            missing.append(f"{name}: no scenario in tests/plugins/<plugin>/races.py")
            continue
        for t in workflow.transitions:
            for source in t.sources:
                if source not in scenario.paths:
                    missing.append(f"{name}.{t.name}: no path to {source!r}")
                if t.target == source and (name, t.name) not in SELF_LOOPS:
                    missing.append(f"{name}.{t.name}: self-loop without an expectation")
    assert not missing, missing
