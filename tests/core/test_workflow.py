"""The workflow helper: declared moves, permissions, guards, history and audit."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from core.audit.models import AuditEntry
from core.auth.users import Actor
from core.db import db
from core.tenancy.scope import tenant_scope
from core.workflow import (
    IllegalTransition,
    StateChange,
    Transition,
    TransitionForbidden,
    Workflow,
)


@dataclass
class Case:
    """Any record with an id and a state will do."""

    __tablename__ = "cases"
    id: int
    state: str = ""
    reason: str | None = None


def needs_reason(case, _actor, data):
    return None if data.get("reason") else "须说明不予受理的理由"


def remember_reason(case, _actor, data):
    case.reason = data["reason"]


FLOW = Workflow(
    "case",
    states={
        "registered": "已登记",
        "accepted": "已受理",
        "rejected": "不予受理",
        "closed": "已办结",
    },
    initial="registered",
    transitions=[
        Transition("accept", ("registered",), "accepted", "受理", permission="cases.screen"),
        Transition(
            "reject",
            ("registered",),
            "rejected",
            "不予受理",
            permission="cases.screen",
            guards=(needs_reason,),
            effects=(remember_reason,),
        ),
        Transition("close", ("accepted",), "closed", "办结", comment_required=True),
    ],
)
CLERK = Actor(user=None, permissions=frozenset({"cases.screen"}))
NOBODY = Actor(user=None)


@pytest.fixture
def tenant(app_context, factory):
    tenant_id = factory.tenant("alpha")
    with tenant_scope(tenant_id):
        yield tenant_id


def test_a_move_changes_state_and_leaves_history_and_audit(tenant):
    case = Case(id=7)
    FLOW.start(case, CLERK)
    FLOW.fire(case, "accept", CLERK, comment="属本部门职责")
    assert case.state == "accepted"
    history = FLOW.history(case)
    assert [(h.from_state, h.to_state, h.transition) for h in history] == [
        (None, "registered", "create"),
        ("registered", "accepted", "accept"),
    ]
    assert history[1].comment == "属本部门职责"
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)).all()
    assert actions == ["case.create", "case.accept"]


def test_a_note_records_an_event_without_moving_the_record(tenant):
    case = Case(id=3, state="accepted")
    FLOW.note(case, "remind", CLERK, comment="请加快进度", data={"to": 5})
    assert case.state == "accepted"
    (change,) = FLOW.history(case)
    assert (change.transition, change.from_state, change.to_state, change.comment) == (
        "remind",
        "accepted",
        "accepted",
        "请加快进度",
    )
    actions = db.session.scalars(select(AuditEntry.action)).all()
    assert actions == ["case.remind"]


def test_a_move_from_the_wrong_state_is_illegal_and_says_why(tenant):
    case = Case(id=1, state="registered")
    with pytest.raises(IllegalTransition, match="当前状态为「已登记」，不能执行「办结」"):
        FLOW.fire(case, "close", CLERK, comment="x")
    assert case.state == "registered"
    assert db.session.scalars(select(StateChange)).all() == []


def test_a_move_without_the_permission_is_forbidden(tenant):
    case = Case(id=1, state="registered")
    with pytest.raises(TransitionForbidden):
        FLOW.fire(case, "accept", NOBODY)
    assert case.state == "registered"


def test_a_guard_refusal_is_illegal_with_the_guards_reason(tenant):
    case = Case(id=1, state="registered")
    with pytest.raises(IllegalTransition, match="须说明不予受理的理由"):
        FLOW.fire(case, "reject", CLERK)
    FLOW.fire(case, "reject", CLERK, data={"reason": "属诉讼范围"})
    assert (case.state, case.reason) == ("rejected", "属诉讼范围")


def test_a_required_comment_is_enforced(tenant):
    case = Case(id=1, state="accepted")
    with pytest.raises(IllegalTransition, match="须填写说明"):
        FLOW.fire(case, "close", CLERK, comment="  ")


def test_unknown_moves_are_illegal(tenant):
    with pytest.raises(IllegalTransition):
        FLOW.fire(Case(id=1, state="registered"), "teleport", CLERK)


def test_available_moves_respect_state_permission_and_guards(tenant):
    case = Case(id=1, state="registered")
    assert [t.name for t in FLOW.available(case, CLERK)] == ["accept"]
    assert [t.name for t in FLOW.available(case, CLERK, {"reason": "x"})] == ["accept", "reject"]
    assert FLOW.available(case, NOBODY) == []


def test_a_declaration_with_unknown_states_is_refused():
    with pytest.raises(ValueError):
        Workflow(
            "bad",
            states={"a": "甲"},
            initial="a",
            transitions=[Transition("go", ("a",), "b", "去")],
        )


def test_illegal_transitions_answer_409_problem_json(app):
    error = IllegalTransition("当前状态不能执行")
    with app.test_request_context("/api/v1/t/x/anything"):
        response = app._find_error_handler(error, [])(error)
    assert response.status_code == 409
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["detail"] == "当前状态不能执行"
