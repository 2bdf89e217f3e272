"""Repeat detection (issue 12): without a category, the same person on the same matter
(the same reported person, or a similar summary) repeats; a back-dated earlier petition,
registered after its repeat, is linked as the earlier one in both directions."""

from __future__ import annotations

from datetime import date

import pytest

from core.db import db
from plugins.petitions.models import PetitionCategory
from plugins.petitions.services.registration import similar_summary

ID_A = "330122195001011234"
WANG = [{"name": "王", "id_number": ID_A}]


@pytest.fixture(autouse=True)
def _today(set_today):
    set_today(date(2026, 9, 16))


def test_without_a_category_a_similar_summary_repeats(new_petition):
    first = new_petition(date(2026, 5, 1), category_id=None, petitioners=WANG)
    again = new_petition(category_id=None, summary="再次反映退休待遇问题", petitioners=WANG)
    assert again.repeat_of_id == first.id


def test_without_a_category_the_same_reported_person_repeats(new_petition):
    zhao = [{"name": "赵某", "unit": "某乡镇"}]
    first = new_petition(
        date(2026, 5, 1),
        category_id=None,
        kind="report",
        summary="举报收受礼金",
        petitioners=WANG,
        reported=zhao,
    )
    again = new_petition(
        category_id=None, kind="report", summary="赵某违规操办婚宴", petitioners=WANG, reported=zhao
    )
    assert again.repeat_of_id == first.id


def test_without_a_category_another_matter_is_no_repeat(new_petition):
    new_petition(date(2026, 5, 1), category_id=None, petitioners=WANG)
    other = new_petition(category_id=None, summary="申请危房改造补助", petitioners=WANG)
    assert other.repeat_of_id is None


def test_one_side_without_a_category_matches_on_the_summary(new_petition):
    first = new_petition(date(2026, 5, 1), category_id=None, petitioners=WANG)
    again = new_petition(petitioners=WANG)  # in a category now
    assert again.repeat_of_id == first.id


def test_two_categories_still_decide(new_petition):
    other = PetitionCategory(name="党员申诉")
    db.session.add(other)
    db.session.flush()
    new_petition(date(2026, 5, 1), petitioners=WANG)
    assert new_petition(category_id=other.id, petitioners=WANG).repeat_of_id is None


def test_a_back_dated_earlier_petition_becomes_the_one_repeated(new_petition):
    later = new_petition(date(2026, 9, 1), petitioners=WANG)
    assert later.repeat_of_id is None
    earlier = new_petition(date(2026, 3, 1), petitioners=WANG)  # registered after, received before
    assert earlier.repeat_of_id is None
    assert later.repeat_of_id == earlier.id


def test_a_back_dated_one_between_keeps_the_earliest(new_petition):
    first = new_petition(date(2026, 1, 5), petitioners=WANG)
    last = new_petition(date(2026, 9, 1), petitioners=WANG)
    assert last.repeat_of_id == first.id
    middle = new_petition(date(2026, 4, 1), petitioners=WANG)
    assert middle.repeat_of_id == first.id and last.repeat_of_id == first.id


def test_back_dating_does_not_reach_beyond_the_window(new_petition):
    later = new_petition(date(2026, 9, 1), petitioners=WANG)
    new_petition(date(2025, 8, 1), petitioners=WANG)
    assert later.repeat_of_id is None


@pytest.mark.parametrize(
    ("a", "b", "alike"),
    [
        ("反映退休待遇问题", "再次反映退休待遇问题", True),
        ("反映退休待遇问题。", "反映 退休待遇 问题", True),
        ("反映退休待遇问题", "申请危房改造补助", False),
        ("问题", "问题", False),  # too short to say
        (None, "反映退休待遇问题", False),
    ],
)
def test_similar_summaries(a, b, alike):
    assert similar_summary(a, b) is alike
