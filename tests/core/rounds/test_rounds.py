"""统计报表上报: open, submit (frozen), late, totals over snapshots, chained upward."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from core.audit.models import AuditEntry
from core.db import db
from core.rounds import service
from core.rounds.figures import difference
from core.rounds.models import RollupSubmission
from core.rounds.workflow import SUBMISSION_FLOW
from core.tenancy.models import Tenant
from core.tenancy.scope import tenant_scope
from core.workflow import IllegalTransition
from tests.core.rollup.world import TODAY, accepted
from tests.core.rounds.helpers import LEADER, open_round, submit, world
from tests.race import actor_of


def _overview(app, ids, slug, round_id):
    with app.app_context(), tenant_scope(ids[slug]):
        found = service.overview(db.session.get(Tenant, ids[slug]), round_id)
        return {line.node.slug: (line.state, line.late) for line in found.lines}, found.totals


def test_each_direct_child_gets_a_draft_and_the_round_its_history(app, factory, set_today):
    set_today(TODAY)
    ids, users = world(app, factory)
    round_id = open_round(app, ids, users)
    for slug in ("county-a", "county-b"):
        with app.app_context(), tenant_scope(ids[slug]):
            (draft,) = service.my_submissions()
            assert (draft.round_id, draft.state, draft.title) == (
                round_id,
                "draft",
                "2026年11月信访统计",
            )
            assert [h.transition for h in SUBMISSION_FLOW.history(draft)] == ["create"]
            assert (
                db.session.scalar(
                    select(func.count(AuditEntry.id)).where(
                        AuditEntry.action == "rollup_submission.create"
                    )
                )
                == 1
            )
    # Grandchildren and cousins get nothing.
    for slug in ("town-a1", "county-c", "city2"):
        with app.app_context(), tenant_scope(ids[slug]):
            assert service.my_submissions() == []


def test_the_snapshot_is_frozen_and_the_page_shows_the_difference(app, factory, set_today):
    set_today(TODAY)
    ids, users = world(app, factory)
    open_round(app, ids, users)
    submit(app, ids, users, "county-a")
    with app.app_context(), tenant_scope(ids["county-a"]):
        draft = service.my_submissions()[0]
        frozen = draft.figures
        # county-a's branch: its own two November petitions and town-a1's one.
        assert frozen["petitions"]["overview"]["total"] == 3
        db.session.add(accepted(99, received_on=date(2026, 11, 20)))
        db.session.commit()
    with app.app_context(), tenant_scope(ids["county-a"]):
        draft = service.my_submissions()[0]
        assert draft.figures == frozen
        tenant = db.session.get(Tenant, ids["county-a"])
        change = difference(draft.figures, service.live(tenant, draft))
        assert change["petitions"]["overview"]["total"] == 1
        assert [h.transition for h in SUBMISSION_FLOW.history(draft)] == ["create", "submit"]
        assert draft.notes == "已核对"


def test_the_upper_level_sees_submitted_and_late_and_totals_the_snapshots(app, factory, set_today):
    set_today(TODAY)
    ids, users = world(app, factory)
    round_id = open_round(app, ids, users)
    submit(app, ids, users, "county-a")
    states, totals = _overview(app, ids, "city", round_id)
    assert states == {"county-a": ("submitted", False), "county-b": ("draft", False)}
    assert totals["petitions"]["overview"]["total"] == 3
    set_today(date(2026, 12, 11))  # past the due date
    states, _totals = _overview(app, ids, "city", round_id)
    assert states == {"county-a": ("submitted", False), "county-b": ("draft", True)}


def test_a_second_submit_is_refused_and_a_returned_one_can_be_submitted_again(
    app, factory, set_today
):
    set_today(TODAY)
    ids, users = world(app, factory)
    round_id = open_round(app, ids, users)
    submit(app, ids, users, "county-a")
    with pytest.raises(IllegalTransition):
        submit(app, ids, users, "county-a")
    with app.app_context(), tenant_scope(ids["city"]):
        city = db.session.get(Tenant, ids["city"])
        opened = db.session.get(service.RollupRound, round_id)
        service.return_submission(
            city, opened, ids["county-a"], actor_of(users["city"], LEADER), "数字有误"
        )
        db.session.commit()
    with app.app_context(), tenant_scope(ids["county-a"]):
        assert service.my_submissions()[0].state == "returned"
    submit(app, ids, users, "county-a")


def test_a_county_submission_uses_its_towns_snapshot(app, factory, set_today):
    """county-a opens its own round of the same period; town-a1 submits, then a record
    is added in the town: county-a's submission to the city counts the town's snapshot."""
    set_today(TODAY)
    ids, users = world(app, factory)
    open_round(app, ids, users, "city")
    open_round(app, ids, users, "county-a", plugins=["petitions"])
    submit(app, ids, users, "town-a1")
    with app.app_context(), tenant_scope(ids["town-a1"]):
        db.session.add(accepted(98, received_on=date(2026, 11, 21)))
        db.session.commit()
    with app.app_context(), tenant_scope(ids["county-a"]):
        draft = next(s for s in service.my_submissions() if s.parent_tenant_id == ids["city"])
        tenant = db.session.get(Tenant, ids["county-a"])
        assert service.live(tenant, draft)["petitions"]["overview"]["total"] == 3


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": " "}, "请填写上报标题。"),
        ({"plugins": ["nonexistent"]}, "请选择本级及下级启用的统计项目。"),
        ({"due_on": date(2026, 11, 1)}, "截止日期不能早于今天。"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(app, factory, set_today, changes, message):
    set_today(TODAY)
    ids, users = world(app, factory)
    with pytest.raises(service.RoundError, match=message):
        open_round(app, ids, users, **changes)
    with app.app_context(), tenant_scope(ids["county-a"]):
        assert service.my_submissions() == []


def test_a_tenant_without_children_cannot_open_a_round(app, factory, set_today):
    set_today(TODAY)
    ids, users = world(app, factory)
    with pytest.raises(service.RoundError, match="没有下级"):
        open_round(app, ids, users, "county-b", plugins=["core"])


def test_the_reminder_job_notes_a_late_submission_once(app, factory, set_today):
    set_today(TODAY)
    ids, users = world(app, factory)
    open_round(app, ids, users)
    set_today(date(2026, 12, 11))
    for expected in (1, 0):
        with app.app_context(), tenant_scope(ids["county-b"]):
            assert service.remind_late() == expected
            db.session.commit()
    with app.app_context(), tenant_scope(ids["county-b"]):
        draft = db.session.scalar(select(RollupSubmission))
        assert [h.transition for h in SUBMISSION_FLOW.history(draft)] == ["create", "remind"]
