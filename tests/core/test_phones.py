"""Phone numbers: one matching form for the ways people write them, full masking."""

from __future__ import annotations

import pytest
from flask import Flask
from flask_babel import Babel
from marshmallow import ValidationError

from core.phones import MASKED_PHONE, check_phone, mask_phone, normalize_phone


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


def test_the_validator_refuses_letters_and_too_few_digits():
    app = Flask(__name__)
    Babel(app)
    with app.test_request_context():
        check_phone("+86 (137) 0000-2222")
        check_phone(None)
        for bad in ("1370000222a", "12-3"):
            with pytest.raises(ValidationError, match="电话号码"):
                check_phone(bad)
