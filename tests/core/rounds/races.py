"""How to bring a round and a submission into any state, for the generated race test
(tests/core/test_workflow_races.py): built directly in the race's one tenant, since the
moves are what is raced (a submission's round lives in the parent; only its id is kept)."""

from __future__ import annotations

from datetime import date, timedelta

from core import clock
from core.db import db
from core.rounds.models import RollupRound, RollupSubmission
from core.rounds.workflow import OPEN, ROUND_FLOW, SUBMISSION_FLOW, SUBMIT
from core.tenancy.models import Tenant
from tests.race import Scenarios, World

ALL = frozenset({OPEN, SUBMIT, "core.rollup.view"})


def _fields() -> dict:
    return {
        "title": "2026年第一季度信访统计",
        "plugins": ["core"],
        "period_kind": "quarter",
        "period_start": date(2026, 1, 1),
        "period_end": date(2026, 3, 31),
        "period_title": "2026年第一季度",
        "due_on": clock.today() + timedelta(days=10),
    }


def _round(world: World) -> RollupRound:
    found = RollupRound(**_fields(), opened_by=world.actor.user_id)
    db.session.add(found)
    ROUND_FLOW.start(found, world.actor)
    return found


def _submission(world: World) -> RollupSubmission:
    parent = db.session.get(Tenant, world.tenant_id).parent_id
    found = RollupSubmission(**_fields(), round_id=1, parent_tenant_id=parent)
    db.session.add(found)
    SUBMISSION_FLOW.start(found, world.actor)
    return found


SCENARIOS = [
    Scenarios(
        workflow=ROUND_FLOW,
        model=RollupRound,
        permissions=ALL,
        create=_round,
        paths={"open": [], "closed": ["close"]},
    ),
    Scenarios(
        workflow=SUBMISSION_FLOW,
        model=RollupSubmission,
        permissions=ALL,
        create=_submission,
        paths={"draft": [], "submitted": ["submit"], "returned": ["submit", "return"]},
    ),
]
