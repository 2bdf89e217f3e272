"""Finality after 复核 (信访工作条例 Art. 35-36): once the 复核 is decided, the same
request on the same facts is not accepted again. A new petition of the same person on
the matter (linked as its repeat) is refused at acceptance with the reason and the
earlier serial (409), unless the handler records the new facts or reasons — a required
note, kept in the history and the audit. The final petition itself takes no further
request for 复查 or 复核."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from core.audit.models import AuditEntry
from core.db import db
from core.workflow import IllegalTransition
from plugins.petitions.workflow import PETITION_FLOW as FLOW
from tests.plugins.petitions.web import world as world  # noqa: F401 - the fixture

TODAY = date(2026, 3, 2)


@pytest.fixture(autouse=True)
def _today(set_today):
    set_today(TODAY)


def _final(new_petition, clerk, leader, users, *, rereview: bool = True):
    petition = new_petition(date(2026, 2, 2))
    FLOW.fire(petition, "accept", clerk)
    FLOW.fire(petition, "assign_handler", clerk, data={"handler_user_id": users["li"].id})
    FLOW.fire(petition, "draft", clerk, data={"outcome": "reject", "basis": "不符合政策"})
    FLOW.fire(petition, "approve", leader)
    FLOW.fire(petition, "close", clerk, data={"reply_text": "答复如下……"})
    FLOW.fire(petition, "request_review", clerk)
    FLOW.fire(petition, "answer_review", leader, comment="维持原处理意见")
    if rereview:
        FLOW.fire(petition, "request_rereview", clerk)
        FLOW.fire(petition, "answer_rereview", leader, comment="维持")
    return petition


def test_a_repeat_of_a_matter_decided_on_rereview_is_not_accepted(
    new_petition, clerk, leader, users
):
    earlier = _final(new_petition, clerk, leader, users)
    assert earlier.state == "final"
    again = new_petition(TODAY)
    assert again.repeat_of_id == earlier.id
    with pytest.raises(IllegalTransition) as refused:
        FLOW.fire(again, "accept", clerk)
    assert earlier.serial in str(refused.value) and "复核" in str(refused.value)
    assert again.state == "registered" and again.accepted_on is None
    # Not accepting it (already concluded, no new facts) remains open.
    FLOW.fire(again, "not_accept", clerk, data={"reason": "concluded"})
    assert again.state == "not_accepted"


def test_new_facts_recorded_by_the_handler_allow_acceptance_and_are_audited(
    new_petition, clerk, leader, users
):
    earlier = _final(new_petition, clerk, leader, users)
    again = new_petition(TODAY)
    with pytest.raises(IllegalTransition):
        FLOW.fire(again, "accept", clerk, data={"new_facts": "   "})
    FLOW.fire(again, "accept", clerk, data={"new_facts": "提交了新的病历证明"})
    assert again.state == "accepted"
    [entry] = db.session.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "petition.accept", AuditEntry.object_id == str(again.id)
        )
    )
    assert entry.detail["new_facts"] == "提交了新的病历证明"
    assert FLOW.history(again)[-1].data["new_facts"] == "提交了新的病历证明"
    assert earlier.state == "final"


def test_a_repeat_of_a_matter_only_reviewed_once_is_accepted(new_petition, clerk, leader, users):
    _final(new_petition, clerk, leader, users, rereview=False)
    again = new_petition(TODAY)
    FLOW.fire(again, "accept", clerk)
    assert again.state == "accepted"


def test_the_final_petition_takes_no_further_review_request(new_petition, clerk, leader, users):
    earlier = _final(new_petition, clerk, leader, users)
    for move in ("request_review", "request_rereview"):
        with pytest.raises(IllegalTransition, match="已终结|不能执行"):
            FLOW.fire(earlier, move, clerk)
    assert earlier.state == "final"


def test_the_page_offers_the_new_facts_field_on_a_repeat(world):
    first = world.register(received_on=TODAY.isoformat(), summary="反映退休待遇问题")
    again = world.register(received_on=TODAY.isoformat(), summary="再次反映退休待遇问题")
    assert again["repeat_of_id"] == first["id"]  # no category: matched on the summary
    world.login("clerk")
    assert 'name="new_facts"' not in world.page(f"/{first['id']}").get_data(as_text=True)
    assert 'name="new_facts"' in world.page(f"/{again['id']}").get_data(as_text=True)
