"""Page forms read as their schema declares them: ints from selects, dates, booleans from
checkboxes, lists from multi-selects and repeated rows; on an error every value comes
back as typed, and the errors name the fields."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask, request
from flask_babel import Babel
from marshmallow import fields, validate

from core.forms import FormSchema, load_form, row_errors


class PersonRow(FormSchema):
    name = fields.String(required=True)
    age = fields.Integer(strict=True, allow_none=True)
    is_lead = fields.Boolean(load_default=False)


class ItemForm(FormSchema):
    leader_id = fields.Integer(strict=True, required=True)
    section_id = fields.Integer(strict=True, allow_none=True)
    due_on = fields.Date(required=True)
    urgent = fields.Boolean(required=True)
    public = fields.Boolean(load_default=True)
    tags = fields.List(fields.String(), required=True)
    unit_ids = fields.List(fields.Integer(strict=True))
    people = fields.List(fields.Nested(PersonRow), load_default=list)
    note = fields.String(validate=validate.Length(max=5))


@pytest.fixture
def flask_app():
    app = Flask(__name__)
    Babel(app)
    return app


def _post(flask_app, body):
    with flask_app.test_request_context("/", method="POST", data=body):
        return load_form(ItemForm())


def test_a_strict_integer_field_takes_the_id_a_select_posts(flask_app):
    data, errors = _post(flask_app, {"leader_id": "8", "section_id": "12", "due_on": "2026-03-01"})
    assert errors == {}
    assert data["leader_id"] == 8 and data["section_id"] == 12
    assert data["due_on"] == date(2026, 3, 1)


def test_blank_inputs_are_not_given(flask_app):
    data, errors = _post(flask_app, {"leader_id": "8", "section_id": " ", "due_on": "2026-03-01"})
    assert errors == {}
    assert "section_id" not in data and "note" not in data


def test_an_unchecked_required_box_is_false_and_an_optional_one_keeps_its_default(flask_app):
    data, _ = _post(flask_app, {"leader_id": "8", "due_on": "2026-03-01"})
    assert data["urgent"] is False and data["public"] is True
    data, _ = _post(flask_app, {"leader_id": "8", "due_on": "2026-03-01", "urgent": "1"})
    assert data["urgent"] is True


def test_multi_selects_give_lists_and_nothing_chosen_is_an_empty_list(flask_app):
    data, errors = _post(
        flask_app,
        {"leader_id": "8", "due_on": "2026-03-01", "tags": ["甲", "乙"], "unit_ids": ["3", "4"]},
    )
    assert errors == {}
    assert data["tags"] == ["甲", "乙"] and data["unit_ids"] == [3, 4]
    data, _ = _post(flask_app, {"leader_id": "8", "due_on": "2026-03-01"})
    assert data["tags"] == []


def test_repeated_rows_become_a_list_and_blank_rows_are_dropped(flask_app):
    data, errors = _post(
        flask_app,
        {
            "leader_id": "8",
            "due_on": "2026-03-01",
            "people-0-name": "王一",
            "people-0-age": "40",
            "people-0-is_lead": "1",
            "people-1-name": "",
            "people-1-is_lead": "1",  # a box ticked on a blank row: still blank
            "people-2-name": "李二",
        },
    )
    assert errors == {}
    assert data["people"] == [
        {"name": "王一", "age": 40, "is_lead": True},
        {"name": "李二", "is_lead": False},
    ]


def test_errors_name_the_fields_and_the_rows_and_every_value_comes_back(flask_app):
    body = {
        "leader_id": "八",
        "due_on": "2026-02-30",
        "tags": ["甲", "乙"],
        "note": "太长了的说明",
        "people-0-name": "王一",
        "people-0-age": "四十",
        "people-1-name": "李二",
    }
    shown, errors = _post(flask_app, body)
    assert {"leader_id", "due_on", "note", "people"} <= set(errors)
    assert row_errors(errors, "people") == ([], {0: {"age": errors["people"][0]["age"]}})
    assert shown["leader_id"] == "八" and shown["note"] == "太长了的说明"
    assert shown["tags"] == ["甲", "乙"]
    assert [row["name"] for row in shown["people"]] == ["王一", "李二"]


def test_a_filter_form_from_the_query_string_leaves_absent_boxes_unset(flask_app):
    with flask_app.test_request_context("/?leader_id=3&due_on=2026-03-01"):
        data, errors = load_form(ItemForm(partial=True), request.args)
    assert errors == {}
    assert data == {"leader_id": 3, "due_on": date(2026, 3, 1)}  # no urgent=False
