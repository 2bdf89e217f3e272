"""How to bring a petition into any state of its workflow, for the generated race test
(tests/core/test_workflow_races.py). The linked moves (another body's action carried
over) are fired the way :mod:`plugins.petitions.services.crosstenant` fires them."""

from __future__ import annotations

from contextlib import nullcontext
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from core import clock
from core.db import db
from core.tenancy.models import Tenant
from core.tenancy.scope import tenant_scope
from plugins.petitions.models import Petition, PetitionCategory
from plugins.petitions.services.moves import REVIEW_REQUEST_DAYS
from plugins.petitions.services.registration import register
from plugins.petitions.workflow import PETITION_FLOW, is_linked, linked_move
from tests.plugins.petitions.conftest import LEADER_PERMISSIONS
from tests.race import Scenarios, World

PERMISSIONS = LEADER_PERMISSIONS | {"petitions.view_identity"}


def _category(_world: World) -> None:
    db.session.add(PetitionCategory(name="选人用人"))
    db.session.flush()


def _petition(world: World) -> Petition:
    category = db.session.scalar(select(PetitionCategory.id))
    return register(
        {
            "received_on": clock.today(),
            "channel": "letter",
            "kind": "request",
            "category_id": category,
            "summary": "反映退休待遇问题",
        },
        [{"name": "王某", "id_number": "330122195001011234", "phone": "13800000000"}],
        [],
        world.actor,
    )


def _extension_requested(petition: Petition, world: World) -> None:
    """The clerk asked for an extension: the leader's refusal has something to refuse."""
    PETITION_FLOW.fire(
        petition, "request_extension", world.actor, data={"days": 10, "reason": "案情复杂"}
    )


def _data(transition: str, world: World) -> dict[str, Any]:
    return {
        "not_accept": {"reason": "legal_channel"},
        "forward": {"target_name": "县人社局"},
        "assign": {"target_name": "某镇党委", "report_back_due": clock.today() + timedelta(10)},
        "assign_handler": {"handler_user_id": world.actor.user_id},
        "extend": {"days": 10, "reason": "案情复杂"},
        "request_extension": {"days": 10, "reason": "案情复杂"},
        "draft": {"outcome": "support", "basis": "经核实，符合政策"},
        "close": {"reply_text": "答复如下……"},
        "rate": {"satisfaction": "satisfied"},
        "report_back": {"outcome": "support", "reply_text": "已办结"},
        "answer_case": {"answer": "维持原处理意见"},
        "review_answered": {"answer": "维持原处理意见"},
        "rereview_answered": {"answer": "维持复查意见"},
    }.get(transition, {})


def _came_from_above(copy: Petition, world: World) -> None:
    """As if the parent body had forwarded it here: its original waits on this copy,
    so sending the copy back also moves the original (``came_back``, over there)."""
    parent_id = db.session.scalar(select(Tenant.parent_id).where(Tenant.id == world.tenant_id))
    with tenant_scope(parent_id):
        _category(world)
        original = _petition(world)
        data = {"target_name": "下级组织部", "target_tenant_id": world.tenant_id}
        PETITION_FLOW.fire(original, "forward", world.actor, data=data)
        original.target_petition_id = copy.id
        db.session.flush()
    copy.source_tenant_id, copy.source_petition_id = parent_id, original.id


def _window_passed(_petition: Petition, world: World) -> None:
    world.later(REVIEW_REQUEST_DAYS + 1)


_HANDLING = ["accept", "assign_handler"]
_CLOSED = [*_HANDLING, "draft", "approve", "close"]
_REVIEWED = [*_CLOSED, "request_review", "answer_review"]

PETITIONS = Scenarios(
    workflow=PETITION_FLOW,
    model=Petition,
    permissions=PERMISSIONS,
    prepare=_category,
    create=_petition,
    paths={
        "registered": [],
        "screening": ["screen"],
        "accepted": ["accept"],
        "in_handling": _HANDLING,
        "draft_outcome": [*_HANDLING, "draft"],
        "approved": [*_HANDLING, "draft", "approve"],
        "closed": _CLOSED,
        "rated": [*_CLOSED, "rate"],
        "review_requested": [*_CLOSED, "request_review"],
        "reviewed": _REVIEWED,
        "rereview_requested": [*_REVIEWED, "request_rereview"],
        "forwarded": ["forward"],
        "assigned": ["assign"],
        "reported_back": ["assign", "report_back"],
        "case_open": ["open_case"],
    },
    ready={
        "send_back": _came_from_above,
        "finalize": _window_passed,
        "refuse_extension": _extension_requested,
    },
    data=_data,
    firing=lambda t: linked_move() if is_linked(PETITION_FLOW.transition(t)) else nullcontext(),
)

SCENARIOS = [PETITIONS]
