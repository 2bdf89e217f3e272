"""How to bring a supervision item into any state of its workflow, for the generated
race test (tests/core/test_workflow_races.py). The one actor is the item's leader and
responsible person both (the guards ask for the person)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core import clock
from core.db import db
from core.orgs.models import OrgUnit
from plugins.supervision.models import SupervisionItem
from plugins.supervision.services.items import create_item
from plugins.supervision.workflow import ITEM_FLOW
from tests.plugins.supervision.conftest import ALL
from tests.race import Scenarios, World


def _section(_world: World) -> None:
    db.session.add(OrgUnit(name="组织科", kind="section"))
    db.session.flush()


def _item(world: World) -> SupervisionItem:
    me = world.actor.user_id
    return create_item(
        {
            "title": "完成基层党组织换届",
            "source": "priorities",
            "requirements": "按期完成换届选举",
            "leader_user_id": me,
            "section_id": db.session.scalar(select(OrgUnit.id).where(OrgUnit.kind == "section")),
            "person_user_id": me,
            "deadline": clock.today() + timedelta(days=60),
            "feedback_cycle": "weekly",
        },
        world.actor,
    )


_IN_PROGRESS = ["assign", "acknowledge", "report"]

ITEMS = Scenarios(
    workflow=ITEM_FLOW,
    model=SupervisionItem,
    permissions=ALL,
    prepare=_section,
    create=_item,
    paths={
        "created": [],
        "assigned": ["assign"],
        "acknowledged": ["assign", "acknowledge"],
        "in_progress": _IN_PROGRESS,
        "completion_requested": [*_IN_PROGRESS, "request_completion"],
        "closed": [*_IN_PROGRESS, "request_completion", "verify"],
        "rated": [*_IN_PROGRESS, "request_completion", "verify", "rate"],
    },
    data=lambda t, _w: {
        "report": {"text": "已部署推进", "percent": 40},
        "rate": {"rating": "excellent"},
    }.get(t, {}),
)

SCENARIOS = [ITEMS]
