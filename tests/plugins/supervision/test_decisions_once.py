"""Decisions that are not workflow moves happen once too (issue 11): eight identical
requests at once to decide one extension, or to confirm one milestone, leave one
decision and one history note; the seven others are refused with 409."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from core.db import db
from core.workflow import StateChange
from plugins.supervision.models import SupervisionItem
from plugins.supervision.queries.records import milestones_of
from plugins.supervision.services import followup, items
from tests.plugins.supervision.conftest import ALL
from tests.race import CONTENDERS, actor_of, race


@pytest.fixture(autouse=True)
def _postgres_only(app):
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("row locks under real concurrency: PostgreSQL")


def _notes(item_id: int, event: str) -> int:
    db.session.expire_all()
    return db.session.scalar(
        select(func.count())
        .select_from(StateChange)
        .where(StateChange.record_id == item_id, StateChange.transition == event)
    )


def test_eight_identical_extension_decisions_decide_it_once(app, tenant, new_item, owner, leader):
    item = new_item(date(2026, 3, 31))
    extension = followup.request_extension(item, date(2026, 4, 30), "需等待上级政策", owner)
    db.session.commit()
    item_id, extension_id, leader_id = item.id, extension.id, leader.user_id

    outcomes = race(
        app,
        tenant,
        lambda: db.session.get(SupervisionItem, item_id),
        lambda it: followup.decide_extension(
            it, extension_id, True, "同意", actor_of(leader_id, ALL)
        ),
    )

    assert sorted(outcomes) == ["409"] * (CONTENDERS - 1) + ["ok"]
    assert _notes(item_id, "approve_extension") == 1


def test_eight_identical_milestone_confirmations_confirm_it_once(app, tenant, new_item, officer):
    item = new_item(date(2026, 3, 31))
    items.replace_milestones(item, [("调研摸底", 2), ("起草方案", 3)], officer)
    db.session.commit()
    item_id, officer_id = item.id, officer.user_id
    milestone_id = milestones_of(item)[0].id

    outcomes = race(
        app,
        tenant,
        lambda: db.session.get(SupervisionItem, item_id),
        lambda it: items.complete_milestone(it, milestone_id, actor_of(officer_id, ALL)),
    )

    assert "ok" in outcomes and all(o in ("ok", "409") for o in outcomes), outcomes
    assert _notes(item_id, "milestone_done") == 1
