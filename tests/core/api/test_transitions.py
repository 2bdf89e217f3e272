"""Workflow moves as API routes: one ``POST …/<id>/transitions/<move>`` per declared move,
each with its own body schema in the OpenAPI spec, firing the move on the looked-up
record and answering with the presented record."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from flask import Blueprint, Flask
from marshmallow import Schema, fields

from core.api.transitions import MoveIn, fire_move, transition_routes
from core.workflow import Transition, Workflow

LAMP = Workflow(
    "test_lamp",
    states={"off": "关", "on": "开", "broken": "坏"},
    transitions=[
        Transition("switch_on", ("off",), "on", "开灯"),
        Transition("break", ("off", "on"), "broken", "损坏", permission="lamp.break"),
    ],
    initial="off",
)


class BreakIn(Schema):
    how = fields.String(required=True)


class LampOut(Schema):
    id = fields.Integer()
    state = fields.String()


def _routes(**overrides):
    bp = Blueprint("lamps_api", __name__)
    options = {
        "records": "/lamps",
        "id_arg": "lamp_id",
        "lookup": lambda ident: SimpleNamespace(id=ident, state="off"),
        "present": lambda lamp: {"id": lamp.id, "state": lamp.state},
        "response": LampOut,
        "permission": "lamp.view",
        **overrides,
    }
    views = transition_routes(bp, LAMP, **options)
    app = Flask(__name__)
    app.register_blueprint(bp)
    return app, views


def test_every_move_gets_one_route_under_its_record():
    app, views = _routes()
    assert set(views) == {"switch_on", "break"}
    rules = {r.rule: r.methods for r in app.url_map.iter_rules() if "transitions" in r.rule}
    assert set(rules) == {
        "/lamps/<int:lamp_id>/transitions/switch_on",
        "/lamps/<int:lamp_id>/transitions/break",
    }
    assert all("POST" in methods for methods in rules.values())


def test_each_route_documents_its_moves_body_and_the_view_permission():
    _app, views = _routes(body_for=lambda name: BreakIn if name == "break" else MoveIn)
    spec = views["break"].zugong_api
    assert isinstance(spec.body, BreakIn)
    assert isinstance(views["switch_on"].zugong_api.body, MoveIn)
    assert isinstance(spec.response, LampOut)
    assert spec.permission == "lamp.view"  # the move's own permission is the workflow's
    assert "损坏" in spec.summary


def test_a_move_left_out_gets_no_route():
    _app, views = _routes(include=lambda t: t.name != "break")
    assert set(views) == {"switch_on"}


def test_the_view_fires_the_move_on_the_looked_up_record_and_presents_it():
    fired = []

    def fire(lamp, name, actor, body):
        fired.append((lamp.id, name, actor, dict(body)))
        lamp.state = LAMP.transition(name).target

    _app, views = _routes(fire=fire)
    inner = views["switch_on"].__wrapped__
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("core.api.transitions.current_actor", lambda: "clerk")
        assert inner(lamp_id=7, body={"comment": "天黑"}) == {"id": 7, "state": "on"}
    assert fired == [(7, "switch_on", "clerk", {"comment": "天黑"})]


def test_the_plain_fire_sends_the_comment_to_the_history_and_the_rest_as_data():
    calls = []
    workflow = SimpleNamespace(fire=lambda *args, **kwargs: calls.append((args, kwargs)))
    fire_move(workflow)("lamp", "break", "clerk", {"comment": "摔了", "how": "落地", "x": None})
    assert calls == [(("lamp", "break", "clerk"), {"comment": "摔了", "data": {"how": "落地"}})]
