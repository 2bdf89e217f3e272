"""信访老户: flagged set-based by the tenant's thresholds, a leader in charge, periodic
reviews on that leader's to-do list."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from core.auth.users import Actor
from core.db import db
from core.plugins import enablement
from core.tenancy.models import Tenant
from plugins.petitions.jobs import scan_all
from plugins.petitions.models import LongtermPetitioner
from plugins.petitions.services.longterm import flag_tenant, record_review, update_record
from plugins.petitions.todo import todo_items

TODAY = date(2026, 9, 16)
ID_A = "330122195001011234"


@pytest.fixture(autouse=True)
def _today(set_today):
    set_today(TODAY)


def _rows() -> list[LongtermPetitioner]:
    return list(db.session.scalars(select(LongtermPetitioner).order_by(LongtermPetitioner.id)))


def _county() -> Tenant:
    return db.session.scalar(select(Tenant).where(Tenant.slug == "county"))


def test_five_petitions_in_twelve_months_flag_a_person(new_petition):
    for month in range(1, 6):
        new_petition(date(2026, month, 10), petitioners=[{"name": "王某", "id_number": ID_A}])
    new_petition(date(2025, 8, 1), petitioners=[{"name": "王某", "id_number": ID_A}])  # too old
    for _ in range(4):
        new_petition(petitioners=[{"name": "李某", "phone": "13900000009"}])  # only four
    assert flag_tenant() == 1
    (row,) = _rows()
    assert (row.key_type, row.key_value, row.name, row.reason, row.petition_count) == (
        "id_number",
        ID_A,
        "王某",
        "frequent",
        5,
    )
    assert (row.first_received_on, row.last_received_on) == (date(2026, 1, 10), date(2026, 5, 10))
    assert (row.flagged_on, row.next_review_on) == (TODAY, date(2026, 12, 16))
    new_petition(petitioners=[{"name": "李某", "phone": "13900000009"}])  # the fifth
    new_petition(petitioners=[{"name": "王某", "id_number": ID_A}])
    flag_tenant()
    db.session.expire_all()  # the statement wrote around the loaded objects
    rows = _rows()
    assert [(r.key_type, r.petition_count) for r in rows] == [("id_number", 6), ("phone", 5)]
    assert rows[0].flagged_on == TODAY  # updated, not flagged twice


def test_thresholds_are_tenant_settings(tenant, new_petition):
    enablement.update_settings(
        db.session.get(Tenant, tenant),
        "petitions",
        {"longterm_min_petitions": 2, "longterm_months": 3, "longterm_review_months": 1},
    )
    new_petition(date(2026, 5, 1), petitioners=[{"name": "甲", "phone": "1"}])
    new_petition(date(2026, 7, 1), petitioners=[{"name": "甲", "phone": "1"}])
    assert flag_tenant() == 0  # May is outside three months
    new_petition(date(2026, 9, 1), petitioners=[{"name": "甲", "phone": "1"}])
    assert flag_tenant() == 1
    assert _rows()[0].next_review_on == date(2026, 10, 16)


def test_a_petition_open_over_a_year_flags_its_petitioner(new_petition):
    new_petition(TODAY - timedelta(days=366), petitioners=[{"name": "丙", "phone": "2"}])
    new_petition(TODAY - timedelta(days=300), petitioners=[{"name": "丁", "phone": "3"}])
    flag_tenant()
    assert [(r.name, r.reason) for r in _rows()] == [("丙", "unresolved")]


def test_the_leader_in_charge_reviews_periodically(new_petition, users, leader, set_today):
    for _ in range(5):
        new_petition(petitioners=[{"name": "王某", "id_number": ID_A}])
    flag_tenant()
    (row,) = _rows()
    county = _county()
    assert [i.kind for i in todo_items(county, leader)] == ["petition.longterm_leader"]
    update_record(row, {"leader_user_id": users["leader"].id})
    set_today(date(2026, 12, 14))  # two days before the review
    scan_all()
    db.session.expire_all()
    (item,) = [i for i in todo_items(county, leader) if i.kind == "petition.longterm_review"]
    assert (item.light, item.due) == ("yellow", date(2026, 12, 16))
    somebody = Actor(user=users["li"], permissions=frozenset({"petitions.view"}))
    from werkzeug.exceptions import Forbidden

    with pytest.raises(Forbidden):
        record_review(row, somebody, "走访")
    record_review(row, leader, "已走访，诉求正在落实")
    assert (row.last_reviewed_on, row.next_review_on, row.light) == (
        date(2026, 12, 14),
        date(2027, 3, 14),
        "green",
    )
    assert [i for i in todo_items(county, leader) if i.kind == "petition.longterm_review"] == []


def test_the_api_lists_assigns_and_records(app, tenant, factory, new_petition):
    for _ in range(5):
        new_petition(petitioners=[{"name": "王某", "id_number": ID_A}])
    flag_tenant()
    db.session.commit()
    person = factory.user("county", "boss", roles=("admin", "petition_leader"))
    token = factory.token(person)
    headers = {"Authorization": f"Bearer {token}"}
    client = app.test_client()
    base = "/api/v1/t/county/petitions/longterm"
    outsider = factory.tenant("elsewhere")
    stranger = factory.user("elsewhere", "stranger", roles=())
    (item,) = client.get(base, headers=headers).get_json()["items"]
    assert item["masked_key"] == "330***********1234" and item["leader_user_id"] is None
    bad = client.patch(
        f"{base}/{item['id']}", json={"leader_user_id": stranger.user_id}, headers=headers
    )
    assert bad.status_code == 422 and outsider
    ok = client.patch(
        f"{base}/{item['id']}", json={"leader_user_id": person.user_id}, headers=headers
    )
    assert ok.status_code == 200 and ok.get_json()["leader_user_id"] == person.user_id
    done = client.post(f"{base}/{item['id']}/reviews", json={"note": "已包案"}, headers=headers)
    assert done.status_code == 200 and done.get_json()["next_review_on"] == "2026-12-16"
    assert (
        client.post(f"{base}/987654321/reviews", json={"note": "x"}, headers=headers).status_code
        == 404
    )
