"""Phone numbers: a mainland mobile or a landline with its area code, as people write
them; anything else gets one clear Chinese error. One matching form for the ways people
write a number (issue 12), and full masking."""

from __future__ import annotations

import pytest
from marshmallow import ValidationError

from core.phones import MASKED_PHONE, check_phone, is_phone, mask_phone, normalize_phone


@pytest.mark.parametrize(
    "text",
    [
        "13800138000",
        "138 0013 8000",
        "138-0013-8000",
        "+8613800138000",
        "19912345678",
        "0571-88880000",
        "057188880000",
        "(010) 6512 3456",
        "010-65123456",
        "0571-88880000-123",
        "0571 8888 0000 转 12",
    ],
)
def test_phones_people_write(text: str):
    assert is_phone(text)


@pytest.mark.parametrize(
    "text",
    [
        "88880000",  # no area code
        "12345678901",  # 12 is no mobile prefix
        "1380013800",  # ten digits
        "138001380001",  # twelve
        "010-12345678",  # a local number never starts with 1
        "0571-8888",
        "10-88880000",
        "call me",
        "1",
    ],
)
def test_what_is_not_a_phone(text: str):
    assert not is_phone(text)


def test_the_validator_says_what_to_write(app_context):
    check_phone(None)
    check_phone("13800138000")
    with pytest.raises(ValidationError) as refused:
        check_phone("8888")
    assert refused.value.messages == [
        "请填写 11 位手机号码（1 开头），或带区号的固定电话（如 0571-88880000）。"
    ]


@pytest.mark.parametrize(
    "typed",
    [
        "13700002222",
        "137 0000 2222",
        "137-0000-2222",
        "+86 13700002222",
        "+86-137-0000-2222",
        "0086 137 0000 2222",
        "86 13700002222",
        " (137) 0000-2222 ",
    ],
)
def test_every_way_of_writing_a_mobile_number_matches(typed):
    assert normalize_phone(typed) == "13700002222"


def test_landlines_keep_their_area_code_and_nothing_is_nothing():
    assert normalize_phone("0571-8888 6666") == "057188886666"
    assert normalize_phone("(0571) 88886666") == "057188886666"
    assert normalize_phone("86 571 8888") == "865718888"  # not a mobile: digits as typed
    assert normalize_phone(None) is None and normalize_phone("  ") is None


def test_a_masked_number_shows_nothing_of_it():
    for typed in ("13856785678", "138 5678 5678", "0571-88886666"):
        masked = mask_phone(typed)
        assert masked == MASKED_PHONE
        assert not any(c.isdigit() for c in masked)
    assert mask_phone(None) is None and mask_phone("") is None
