"""Every move of the petition lifecycle, its permissions and its guards."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from core.auth.users import Actor
from core.db import db
from core.workflow import IllegalTransition, TransitionForbidden
from plugins.petitions.models import PetitionConflict
from plugins.petitions.workflow import PETITION_FLOW as FLOW

TODAY = date(2026, 3, 2)


@pytest.fixture(autouse=True)
def _today(set_today):
    set_today(TODAY)


def _in_handling(petition, clerk, users):
    FLOW.fire(petition, "accept", clerk)
    FLOW.fire(petition, "assign_handler", clerk, data={"handler_user_id": users["li"].id})
    return petition


def _closed(petition, clerk, leader, users, outcome="support"):
    _in_handling(petition, clerk, users)
    FLOW.fire(petition, "draft", clerk, data={"outcome": outcome, "basis": "经核实，符合政策"})
    FLOW.fire(petition, "approve", leader)
    FLOW.fire(petition, "close", clerk, data={"reply_text": "答复如下……"})
    return petition


def test_registration_starts_the_workflow(new_petition):
    petition = new_petition()
    assert petition.state == "registered"
    assert [h.transition for h in FLOW.history(petition)] == ["create"]


def test_screening_then_acceptance(new_petition, clerk):
    petition = new_petition()
    FLOW.fire(petition, "screen", clerk)
    assert petition.state == "screening"
    FLOW.fire(petition, "accept", clerk)
    assert (petition.state, petition.accepted_on, petition.decided_on) == (
        "accepted",
        TODAY,
        TODAY,
    )
    assert petition.close_due is not None


def test_not_accepted_needs_one_of_the_legal_reasons(new_petition, clerk):
    petition = new_petition()
    with pytest.raises(IllegalTransition, match="须选择不予受理的理由"):
        FLOW.fire(petition, "not_accept", clerk, data={"reason": "不想办"})
    FLOW.fire(petition, "not_accept", clerk, data={"reason": "legal_channel"})
    assert (petition.state, petition.not_accepted_reason) == ("not_accepted", "legal_channel")
    with pytest.raises(IllegalTransition, match="当前状态为「不予受理」"):
        FLOW.fire(petition, "accept", clerk)


def test_forwarding_names_the_competent_body(new_petition, clerk, tenant):
    petition = new_petition()
    with pytest.raises(IllegalTransition, match="须填写接收单位"):
        FLOW.fire(petition, "forward", clerk, data={"target_name": " "})
    FLOW.fire(petition, "forward", clerk, data={"target_name": "县纪委监委"})
    assert (petition.state, petition.target_name) == ("forwarded", "县纪委监委")


def test_assignment_has_a_report_back_deadline_and_needs_a_leader(new_petition, clerk, leader):
    petition = new_petition()
    data = {"target_name": "某镇党委", "report_back_due": TODAY + timedelta(days=30)}
    with pytest.raises(TransitionForbidden):
        FLOW.fire(petition, "assign", clerk, data=data)
    with pytest.raises(IllegalTransition, match="报结期限"):
        FLOW.fire(petition, "assign", leader, data={"target_name": "某镇党委"})
    FLOW.fire(petition, "assign", leader, data=data)
    assert (petition.state, petition.report_back_due) == ("assigned", date(2026, 4, 1))


def test_filing_for_reference_needs_a_note(new_petition, clerk):
    petition = new_petition(is_anonymous=True, petitioners=[])
    with pytest.raises(IllegalTransition, match="须填写说明"):
        FLOW.fire(petition, "file", clerk)
    FLOW.fire(petition, "file", clerk, comment="匿名且无可查线索")
    assert petition.state == "filed"


def test_sending_back_only_forwarded_items_within_five_working_days(new_petition, clerk, set_today):
    own = new_petition(TODAY)
    with pytest.raises(IllegalTransition, match="只有转送、交办来的信访件才能退回"):
        FLOW.fire(own, "send_back", clerk, comment="不属本部门职责")
    received = new_petition(TODAY, source_tenant_id=own.tenant_id, source_petition_id=99)
    assert received.return_due == date(2026, 3, 9)  # Mon + 5 working days
    set_today(date(2026, 3, 10))
    with pytest.raises(IllegalTransition, match="超过 5 个工作日，不能退回"):
        FLOW.fire(received, "send_back", clerk, comment="不属本部门职责")
    set_today(date(2026, 3, 9))
    FLOW.fire(received, "send_back", clerk, comment="不属本部门职责")
    assert received.state == "returned"


def test_the_full_road_to_final(new_petition, clerk, leader, users, set_today):
    petition = _closed(new_petition(), clerk, leader, users)
    assert (petition.outcome, petition.approved_by) == ("support", users["leader"].id)
    assert (petition.replied_on, petition.reply_text) == (TODAY, "答复如下……")
    with pytest.raises(IllegalTransition, match="须选择满意度"):
        FLOW.fire(petition, "rate", clerk, data={"satisfaction": "还行"})
    FLOW.fire(petition, "rate", clerk, data={"satisfaction": "dissatisfied"})
    FLOW.fire(petition, "request_review", clerk)
    assert (petition.state, petition.review_due) == ("review_requested", date(2026, 4, 1))
    FLOW.fire(petition, "answer_review", leader, comment="维持原处理意见")
    FLOW.fire(petition, "request_rereview", clerk)
    assert petition.state == "rereview_requested"
    FLOW.fire(petition, "answer_rereview", leader, comment="维持")
    assert petition.state == "final"
    transitions = [h.transition for h in FLOW.history(petition)]
    assert transitions == [
        "create",
        "accept",
        "assign_handler",
        "draft",
        "approve",
        "close",
        "rate",
        "request_review",
        "answer_review",
        "request_rereview",
        "answer_rereview",
    ]


def test_approval_is_the_leaders_and_may_send_the_draft_back(new_petition, clerk, leader, users):
    petition = _in_handling(new_petition(), clerk, users)
    FLOW.fire(petition, "draft", clerk, data={"outcome": "explain", "basis": "政策规定"})
    with pytest.raises(TransitionForbidden):
        FLOW.fire(petition, "approve", clerk)
    FLOW.fire(petition, "reject_draft", leader, comment="依据不足")
    assert petition.state == "in_handling"


def test_the_outcome_must_fit_the_kind(new_petition, clerk, users):
    report = _in_handling(new_petition(kind="report"), clerk, users)
    with pytest.raises(IllegalTransition, match="处理意见不适用"):
        FLOW.fire(report, "draft", clerk, data={"outcome": "support", "basis": "x"})
    with pytest.raises(IllegalTransition, match="须写明事实和依据"):
        FLOW.fire(report, "draft", clerk, data={"outcome": "no_evidence", "basis": ""})
    FLOW.fire(report, "draft", clerk, data={"outcome": "no_evidence", "basis": "经查"})
    request = _in_handling(new_petition(), clerk, users)
    with pytest.raises(IllegalTransition, match="处理意见不适用"):
        FLOW.fire(request, "draft", clerk, data={"outcome": "substantiated", "basis": "x"})
    FLOW.fire(request, "draft", clerk, data={"outcome": "mediated", "basis": "达成和解协议"})


def test_closing_needs_a_written_reply(new_petition, clerk, leader, users):
    petition = _in_handling(new_petition(), clerk, users)
    FLOW.fire(petition, "draft", clerk, data={"outcome": "support", "basis": "x"})
    FLOW.fire(petition, "approve", leader)
    with pytest.raises(IllegalTransition, match="须填写书面答复意见"):
        FLOW.fire(petition, "close", clerk, data={"reply_text": ""})


def test_registering_needs_the_permission(category):
    from plugins.petitions.services.registration import register

    with pytest.raises(TransitionForbidden):
        register({"received_on": TODAY}, [], [], Actor(user=None))


# -- Extension -----------------------------------------------------------------------------


def test_extension_once_at_most_30_days_by_a_leader_with_a_reason(
    new_petition, clerk, leader, users
):
    petition = _in_handling(new_petition(), clerk, users)
    assert petition.close_due == date(2026, 5, 6)  # 03-02 + 60 = 05-01, Labour Day → 05-06
    with pytest.raises(TransitionForbidden):
        FLOW.fire(petition, "extend", clerk, comment="情况复杂", data={"days": 30})
    with pytest.raises(IllegalTransition, match="须填写说明"):
        FLOW.fire(petition, "extend", leader, data={"days": 30})
    with pytest.raises(IllegalTransition, match="延期天数不能超过 30 日"):
        FLOW.fire(petition, "extend", leader, comment="情况复杂", data={"days": 31})
    with pytest.raises(IllegalTransition, match="须填写延期天数"):
        FLOW.fire(petition, "extend", leader, comment="情况复杂", data={"days": 0})
    FLOW.fire(petition, "extend", leader, comment="情况复杂", data={"days": 30, "reason": "复杂"})
    assert (petition.state, petition.extended_days) == ("in_handling", 30)
    assert petition.close_due == date(2026, 6, 1)  # 03-02 + 90 = 05-31 (Sunday) → 06-01
    with pytest.raises(IllegalTransition, match="已延期过一次，不能再次延期"):
        FLOW.fire(petition, "extend", leader, comment="还要延", data={"days": 1})


def test_no_extension_once_the_deadline_has_passed(new_petition, clerk, leader, users, set_today):
    petition = _in_handling(new_petition(), clerk, users)
    set_today(petition.close_due + timedelta(days=1))
    with pytest.raises(IllegalTransition, match="办理期限已过"):
        FLOW.fire(petition, "extend", leader, comment="x", data={"days": 10})


# -- Review windows -----------------------------------------------------------------------


def test_review_only_within_30_days_of_the_reply(new_petition, clerk, leader, users, set_today):
    petition = _closed(new_petition(), clerk, leader, users)
    set_today(TODAY + timedelta(days=31))
    with pytest.raises(IllegalTransition, match="答复后超过 30 日，不能申请复查"):
        FLOW.fire(petition, "request_review", clerk)
    set_today(TODAY + timedelta(days=30))
    FLOW.fire(petition, "request_review", clerk)
    assert petition.review_requested_on == date(2026, 4, 1)


def test_rereview_only_within_30_days_of_the_review(new_petition, clerk, leader, users, set_today):
    petition = _closed(new_petition(), clerk, leader, users)
    FLOW.fire(petition, "request_review", clerk)
    FLOW.fire(petition, "answer_review", leader, comment="维持")
    set_today(TODAY + timedelta(days=31))
    with pytest.raises(IllegalTransition, match="超过 30 日，不能申请复核"):
        FLOW.fire(petition, "request_rereview", clerk)


def test_finalizing_waits_for_the_review_window(new_petition, clerk, leader, users, set_today):
    petition = _closed(new_petition(), clerk, leader, users)
    with pytest.raises(IllegalTransition, match="期限未满"):
        FLOW.fire(petition, "finalize", leader)
    set_today(TODAY + timedelta(days=31))
    FLOW.fire(petition, "finalize", leader)
    assert petition.state == "final"


# -- Recusal (回避) ------------------------------------------------------------------------


def test_the_reported_person_may_not_handle_it(new_petition, clerk, users):
    petition = new_petition(
        kind="report", reported=[{"name": "李某", "post": "科长", "user_id": users["li"].id}]
    )
    FLOW.fire(petition, "accept", clerk)
    with pytest.raises(IllegalTransition, match="承办人是被反映人，应当回避"):
        FLOW.fire(petition, "assign_handler", clerk, data={"handler_user_id": users["li"].id})
    with pytest.raises(IllegalTransition, match="须指定承办人"):
        FLOW.fire(petition, "assign_handler", clerk, data={})
    FLOW.fire(petition, "assign_handler", clerk, data={"handler_user_id": users["clerk"].id})
    assert (petition.state, petition.handler_user_id) == ("in_handling", users["clerk"].id)


def test_a_declared_conflict_blocks_the_handler(new_petition, clerk, users):
    petition = new_petition()
    FLOW.fire(petition, "accept", clerk)
    db.session.add(PetitionConflict(petition_id=petition.id, user_id=users["li"].id, reason="亲属"))
    db.session.flush()
    with pytest.raises(IllegalTransition, match="承办人已声明回避此件"):
        FLOW.fire(petition, "assign_handler", clerk, data={"handler_user_id": users["li"].id})
    assert petition.state == "accepted"
