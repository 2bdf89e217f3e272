"""Phone numbers: a mainland mobile or a landline with its area code, as people write
them; anything else gets one clear Chinese error."""

from __future__ import annotations

import pytest
from marshmallow import ValidationError

from core.phones import check_phone, is_phone


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
