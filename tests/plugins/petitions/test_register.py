"""Registration: serials, flags, repeat detection, masking and tenant isolation."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from core.db import db
from core.tenancy.scope import tenant_scope
from plugins.petitions.models import Petition, PetitionCategory, Petitioner, ReportedPerson

ID_A = "330122195001011234"
ID_B = "33012219600202567X"


@pytest.fixture(autouse=True)
def _today(set_today):
    set_today(date(2026, 9, 16))


def test_serials_count_per_year_of_receipt(new_petition):
    first = new_petition(date(2026, 1, 5))
    second = new_petition(date(2026, 9, 16))
    late = new_petition(date(2025, 12, 30))
    assert (first.serial, second.serial) == ("XF-2026-000001", "XF-2026-000002")
    assert late.serial == "XF-2025-000001"


def test_petitioners_and_reported_persons_are_stored(new_petition):
    petition = new_petition(
        petitioners=[
            {"name": "甲", "id_number": ID_B.lower(), "phone": "13900000001"},
            {"name": "乙", "phone": "13900000002", "is_representative": True},
        ],
        reported=[{"name": "张某", "unit": "某镇", "post": "党委书记", "cadre_rank": "正科"}],
    )
    assert [p.name for p in petition.petitioners] == ["甲", "乙"]
    assert petition.petitioners[0].id_number == ID_B  # normalised to upper case
    assert petition.petitioners[0].masked_id_number == "330***********567X"
    assert petition.petitioners[0].masked_phone == "＊＊＊＊"  # wholly hidden (issue 12)
    assert petition.reported_persons[0].cadre_rank == "正科"


@pytest.mark.parametrize(("people", "collective"), [(1, False), (4, False), (5, True), (30, True)])
def test_five_or_more_people_are_collective(new_petition, people, collective):
    petition = new_petition(channel="visit", people_count=people)
    assert petition.is_collective is collective
    found = db.session.scalar(select(Petition.id).where(Petition.is_collective))
    assert (found == petition.id) is collective


def test_people_count_defaults_to_the_petitioners(new_petition):
    petition = new_petition(petitioners=[{"name": str(i)} for i in range(6)])
    assert petition.people_count == 6 and petition.is_collective


def test_an_anonymous_petition_keeps_no_petitioner(new_petition):
    petition = new_petition(is_anonymous=True, petitioners=[{"name": "x", "phone": "1"}])
    assert petition.petitioners == [] and petition.repeat_of_id is None


# -- Repeat detection -------------------------------------------------------------------


def test_same_id_number_same_category_within_12_months_repeats(new_petition):
    first = new_petition(date(2025, 9, 20), petitioners=[{"name": "王", "id_number": ID_A}])
    second = new_petition(date(2026, 3, 1), petitioners=[{"name": "王", "id_number": ID_A}])
    third = new_petition(date(2026, 9, 16), petitioners=[{"name": "王", "id_number": ID_A}])
    assert first.repeat_of_id is None
    assert second.repeat_of_id == first.id
    assert third.repeat_of_id == first.id and third.is_repeat  # the earliest within 12 months


def test_the_same_phone_is_enough(new_petition):
    first = new_petition(date(2026, 5, 1), petitioners=[{"name": "王", "phone": "13800000000"}])
    again = new_petition(petitioners=[{"name": "汪", "phone": "13800000000"}])
    assert again.repeat_of_id == first.id


def test_not_beyond_12_months(new_petition):
    new_petition(date(2025, 9, 15), petitioners=[{"name": "王", "id_number": ID_A}])
    later = new_petition(date(2026, 9, 16), petitioners=[{"name": "王", "id_number": ID_A}])
    assert later.repeat_of_id is None


def test_not_another_category_or_another_person(new_petition):
    other = PetitionCategory(name="党员申诉")
    db.session.add(other)
    db.session.flush()
    new_petition(date(2026, 5, 1), petitioners=[{"name": "王", "id_number": ID_A}])
    assert (
        new_petition(category_id=other.id, petitioners=[{"name": "王", "id_number": ID_A}])
    ).repeat_of_id is None
    assert (new_petition(petitioners=[{"name": "赵", "id_number": ID_B}])).repeat_of_id is None


# -- Tenant isolation ---------------------------------------------------------------------


def test_another_tenants_petition_is_invisible(tenant, new_petition, factory):
    petition = new_petition()
    petition_id = petition.id
    db.session.commit()
    other = factory.tenant("neighbour", plugins=["petitions"])
    db.session.expunge_all()
    with tenant_scope(other):
        assert db.session.get(Petition, petition_id) is None
        assert db.session.scalars(select(Petitioner)).all() == []
        assert db.session.scalars(select(ReportedPerson)).all() == []
    with tenant_scope(tenant):
        assert db.session.get(Petition, petition_id) is not None
