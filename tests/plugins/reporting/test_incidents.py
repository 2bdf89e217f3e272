"""突发事件: due upward within the tenant's setting (default 6 clock hours), never later
than 24 hours, marked 迟报 automatically when submitted late — across midnight in
Asia/Shanghai too; the 初报/续报/终报 chain; 漏报 recorded by the upper level."""

from __future__ import annotations

from datetime import datetime

import pytest
from marshmallow import ValidationError

from core import clock
from core.db import db
from core.plugins.settings import validate_partial
from core.tenancy.models import TenantPlugin
from plugins.reporting import services
from plugins.reporting.deadlines import aware
from plugins.reporting.models import MissedReport

OCCURRED = datetime(2026, 3, 1, 22, 30, tzinfo=clock.TZ)  # half past ten at night


def _at(day: int, hour: int, minute: int) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=clock.TZ)


def _shanghai(value: datetime) -> datetime:
    return aware(value).astimezone(clock.TZ)


@pytest.fixture
def incident(new_item):
    def make(**overrides):
        clock.freeze(_at(1, 23, 0))
        return new_item(category="incident", doc_type="urgent", occurred_at=OCCURRED, **overrides)

    return make


def _submit_at(item, when, people, as_tenant):
    clock.freeze(when)
    with as_tenant("county", grants=False):
        services.move_item(item, "send_for_approval", people["writer"])
        services.move_item(item, "approve", people["leader"])
        db.session.flush()


def test_due_six_clock_hours_after_it_happened_across_midnight(incident):
    item = incident()
    assert _shanghai(item.due_at) == _at(2, 4, 30)
    assert _shanghai(item.latest_at) == _at(2, 22, 30)
    assert item.incident_stage == "initial"


def test_submitted_a_minute_before_the_mark_it_is_on_time(incident, people, as_tenant):
    item = incident()
    _submit_at(item, _at(2, 4, 29), people, as_tenant)
    assert item.is_late is False


def test_submitted_a_minute_after_the_mark_it_is_marked_late(incident, people, as_tenant):
    item = incident()
    _submit_at(item, _at(2, 4, 31), people, as_tenant)
    assert item.is_late is True


def test_an_upper_levels_setting_is_its_childrens_default(incident, tree):
    db.session.get(TenantPlugin, (tree["city"], "reporting")).settings = {"incident_due_hours": 2}
    db.session.flush()
    item = incident()
    assert _shanghai(item.due_at) == _at(2, 0, 30)  # past midnight: the next day
    assert _shanghai(item.latest_at) == _at(2, 22, 30)


def test_no_setting_may_allow_more_than_24_hours(app_context):
    with pytest.raises(ValidationError):
        validate_partial("reporting", {"incident_due_hours": 25})
    assert validate_partial("reporting", {"incident_due_hours": 24}) == {"incident_due_hours": 24}


def test_an_incident_needs_the_time_it_happened_and_not_in_the_future(new_item):
    with pytest.raises(ValidationError) as missing:
        new_item(category="incident")
    assert set(missing.value.messages) == {"occurred_at"}
    with pytest.raises(ValidationError):
        new_item(category="incident", occurred_at=_at(3, 0, 0))


def test_follow_ups_chain_to_an_incident_of_the_same_tenant(incident, people, as_tenant):
    first = incident()
    follow_up = incident(incident_stage="followup", chain_parent_id=first.id)
    assert follow_up.chain_parent_id == first.id
    with pytest.raises(ValidationError) as orphan:
        incident(incident_stage="final")
    assert set(orphan.value.messages) == {"chain_parent_id"}
    with as_tenant("sibling", grants=False):
        other = services.create_item(
            {
                "title": "乙县突发事件",
                "body": "x",
                "category": "incident",
                "doc_type": "urgent",
                "pen_name": "李",
                "pen_phone": "1",
                "occurred_at": OCCURRED,
            },
            people["sibling_editor"],
        )
        db.session.flush()
    with pytest.raises(ValidationError):
        incident(incident_stage="followup", chain_parent_id=other.id)


def test_other_categories_carry_no_incident_marks(new_item):
    item = new_item(occurred_at=OCCURRED)
    assert (item.occurred_at, item.due_at, item.is_late) == (None, None, False)


def test_the_upper_level_records_a_missed_report_its_child_alone_reads(tree, people, as_tenant):
    with as_tenant("city", grants=False):
        missed = services.record_missed_report(
            tree["county"], "某村山体滑坡", OCCURRED, "从媒体获悉", people["city_editor"]
        )
        missed_id = missed.id
        with pytest.raises(ValidationError):
            services.record_missed_report(
                tree["cousin"], "x", OCCURRED, None, people["city_editor"]
            )
    db.session.flush()
    seen = {}
    for slug in ("county", "sibling", "cousin", "province"):
        with as_tenant(slug):
            seen[slug] = db.session.get(MissedReport, missed_id) is not None
    assert seen == {"county": True, "sibling": False, "cousin": False, "province": False}
