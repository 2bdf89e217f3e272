"""The deadline scan: each open petition's current deadline and traffic light, for every
tenant with its own warning window, set-based, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from core.db import db
from core.jobs.dispatch import JobCall
from core.jobs.runner import run
from core.plugins import enablement
from core.tenancy.models import Tenant
from core.tenancy.scope import tenant_scope
from plugins.petitions.jobs import scan_all, scan_thresholds
from plugins.petitions.models import Petition
from plugins.petitions.queries.deadlines import light_of
from plugins.petitions.todo import dashboard_widgets, todo_items
from plugins.petitions.workflow import PETITION_FLOW as FLOW

RECEIVED = date(2026, 9, 16)  # accept_due: 15 days → 10-01, National Day → 10-08


@pytest.fixture(autouse=True)
def _today(set_today):
    set_today(RECEIVED)


def _county() -> Tenant:
    return db.session.scalar(select(Tenant).where(Tenant.slug == "county"))


@pytest.mark.parametrize(
    ("today", "light"),
    [
        (date(2026, 10, 4), "green"),  # 4 days left, window 3
        (date(2026, 10, 5), "yellow"),  # 3 days left
        (date(2026, 10, 8), "yellow"),  # due today
        (date(2026, 10, 9), "red"),  # one day over
    ],
)
def test_acceptance_deadline_across_national_day(new_petition, set_today, today, light):
    petition = new_petition(RECEIVED)
    assert petition.accept_due == date(2026, 10, 8)
    db.session.commit()
    set_today(today)
    scan_all()
    db.session.expire_all()
    assert (petition.current_due, petition.light) == (date(2026, 10, 8), light)
    assert light_of(petition, 3, today) == light  # the Python rule agrees with the SQL


def test_the_deadline_follows_the_state(new_petition, clerk, leader, users, set_today):
    undecided = new_petition()
    handling = new_petition()
    FLOW.fire(handling, "accept", clerk)
    FLOW.fire(handling, "assign_handler", clerk, data={"handler_user_id": users["li"].id})
    filed = new_petition(is_anonymous=True, petitioners=[])
    FLOW.fire(filed, "file", clerk, comment="无可查线索")
    db.session.commit()
    scan_all()
    db.session.expire_all()
    assert undecided.current_due == undecided.accept_due
    assert handling.current_due == handling.close_due == date(2026, 11, 16)
    assert (filed.current_due, filed.light) == (None, None)


def test_each_tenant_its_own_window_and_only_changed_rows(tenant, factory, new_petition, set_today):
    petition = new_petition()
    db.session.commit()  # SQLite: the factory writes through another connection
    neighbour = factory.tenant("neighbour", plugins=["petitions"])
    with tenant_scope(neighbour):
        enablement.update_settings(
            db.session.get(Tenant, neighbour), "petitions", {"warning_days": 10}
        )
        from core.auth.users import Actor
        from plugins.petitions.services.registration import register

        other = register(
            {"received_on": RECEIVED, "channel": "letter", "kind": "request", "summary": "x"},
            [],
            [],
            Actor(user=None, permissions=frozenset({"petitions.register"})),
        )
        other_id = other.id
    db.session.commit()
    set_today(date(2026, 9, 30))  # 8 days before 10-08
    first = scan_all()
    # Both were lit green when registered; eight days before, only the ten-day window
    # of the neighbour turns yellow.
    assert first == {"tenants": 2, "petitions": 1, "reviews": 0}
    assert scan_all()["petitions"] == 0  # nothing changed: nothing written
    db.session.expire_all()
    assert petition.light == "green"
    with tenant_scope(neighbour):
        assert db.session.get(Petition, other_id).light == "yellow"


def test_the_scan_runs_as_a_platform_job(app, new_petition, set_today):
    petition = new_petition()
    db.session.commit()
    set_today(date(2026, 10, 9))
    run(app, JobCall("plugins.petitions.jobs:scan_all", None, "petitions", None, {}))
    db.session.expire_all()
    assert petition.light == "red"


def test_red_and_yellow_reach_the_right_to_do_lists(new_petition, clerk, leader, users, set_today):
    from core.auth.users import Actor

    waiting = new_petition(summary="待受理")
    mine = new_petition(summary="我承办")
    FLOW.fire(mine, "accept", clerk)
    FLOW.fire(mine, "assign_handler", clerk, data={"handler_user_id": users["li"].id})
    db.session.commit()
    set_today(date(2026, 10, 9))
    scan_all()
    db.session.expire_all()
    county = _county()
    assert [i.title for i in todo_items(county, clerk)] == [f"受理期限：{waiting.serial} 待受理"]
    li = Actor(user=users["li"], permissions=frozenset({"petitions.view"}))
    assert todo_items(county, li) == []  # 11-16 is far off: green stays off the list
    set_today(date(2026, 11, 17))
    scan_all()
    (item,) = todo_items(county, li)
    assert (item.light, item.due) == ("red", date(2026, 11, 16))
    (widget,) = dashboard_widgets(county, leader)
    assert (widget.context["red"], widget.context["yellow"]) == (2, 0)
    assert [p["serial"] for p in widget.context["overdue"]] == [waiting.serial, mine.serial]


def test_a_state_change_lights_the_petition_at_once(new_petition, clerk, users, set_today):
    petition = new_petition()
    db.session.flush()
    assert (petition.current_due, petition.light) == (date(2026, 10, 8), "green")
    set_today(date(2026, 10, 9))
    FLOW.fire(petition, "accept", clerk)
    db.session.flush()
    # Accepted on 10-09: 60 days end on 12-08; no scan needed for the new deadline.
    assert (petition.current_due, petition.light) == (date(2026, 12, 8), "green")
    FLOW.fire(petition, "assign_handler", clerk, data={"handler_user_id": users["li"].id})
    FLOW.fire(petition, "draft", clerk, data={"outcome": "support", "basis": "经核实"})
    db.session.flush()
    assert petition.light == "green"


def test_the_hourly_look_finds_what_the_calendar_moved(new_petition, set_today):
    soon = new_petition(summary="临期")
    later = new_petition(date(2026, 9, 30), summary="较晚")  # accept_due 10-15
    db.session.commit()
    set_today(date(2026, 10, 6))
    assert scan_thresholds()["petitions"] == 1  # 10-08 is within three days: yellow
    db.session.expire_all()
    assert (soon.light, later.light) == ("yellow", "green")
    set_today(date(2026, 10, 9))
    assert scan_thresholds()["petitions"] == 1  # and now red
    assert scan_thresholds()["petitions"] == 0
    db.session.expire_all()
    assert soon.light == "red"


def test_the_dashboard_shows_the_lights_and_the_overdue(app, new_petition, factory, set_today):
    from tests.factories import login

    late = new_petition(summary="逾期未受理")
    db.session.commit()
    set_today(date(2026, 10, 9))
    scan_all()
    db.session.commit()
    factory.user("county", "boss", roles=("admin", "petition_leader"))
    client = app.test_client()
    login(client, "boss")
    html = client.get("/t/county/").get_data(as_text=True)
    assert 'id="petition-lights"' in html and late.serial in html
    assert "逾期 1 天" in html
