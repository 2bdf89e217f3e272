"""转送, 交办, 复查 and 复核 between tenants: copies linked both ways, results flowing
back, who may send where, and what a receiver can see of the sender."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from marshmallow import ValidationError
from sqlalchemy import select

from core.audit.models import AuditEntry
from core.auth.models import User
from core.auth.users import Actor
from core.db import db
from core.tenancy.scope import tenant_scope
from core.workflow import IllegalTransition, TransitionForbidden
from plugins.petitions.jobs import scan_all
from plugins.petitions.models import Petition, Petitioner
from plugins.petitions.services import crosstenant, reviews
from plugins.petitions.services import petitions as actions
from plugins.petitions.todo import todo_items
from plugins.petitions.workflow import PETITION_FLOW as FLOW
from tests.plugins.petitions.conftest import LEADER_PERMISSIONS

TODAY = date(2026, 9, 4)
IDENTITY = LEADER_PERMISSIONS | {"petitions.view_identity"}


@pytest.fixture(autouse=True)
def _today(set_today):
    set_today(TODAY)


@pytest.fixture
def world(tenant, factory):
    """province → city → county (the ``tenant`` fixture's, in scope) → town; a
    neighbour county; a tenant without petitions. Leaders in each."""
    ids = {"county": tenant}
    ids["province"] = factory.tenant("province", plugins=["petitions"])
    ids["city"] = factory.tenant("city", parent="province", plugins=["petitions"])
    ids["town"] = factory.tenant("town", parent="county", plugins=["petitions"])
    ids["neighbour"] = factory.tenant("neighbour", plugins=["petitions"])
    ids["nopet"] = factory.tenant("nopet", parent="county")
    from core.tenancy.models import Tenant

    db.session.get(Tenant, tenant).parent_id = ids["city"]
    db.session.commit()
    people = {}
    for slug in ("city", "province", "town", "neighbour"):
        person = factory.user(slug, f"{slug}_leader", roles=())
        people[slug] = Actor(
            user=db.session.get(User, person.user_id), permissions=LEADER_PERMISSIONS
        )
    return ids, people


def _in(tenant_id: int):
    return tenant_scope(tenant_id)


def _petitions() -> list[Petition]:
    return list(db.session.scalars(select(Petition).order_by(Petition.id)))


def _county():
    from core.tenancy.models import Tenant

    return db.session.scalar(select(Tenant).where(Tenant.slug == "county"))


def _actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)))


# -- 转送 -------------------------------------------------------------------------------------


def test_forwarding_to_a_tenant_registers_a_linked_copy_there(world, new_petition, leader):
    ids, _people = world
    original = new_petition(date(2026, 9, 1))
    copy = crosstenant.forward(
        original, leader, target_tenant_id=ids["neighbour"], comment="属对方职责"
    )
    copy_id = copy.id  # the copy is the neighbour's: after commit it is out of reach here
    db.session.commit()
    assert (original.state, original.target_tenant_id, original.target_petition_id) == (
        "forwarded",
        ids["neighbour"],
        copy_id,
    )
    assert original.target_name == "neighbour单位"
    with _in(ids["neighbour"]):
        (received,) = _petitions()
        assert received.id == copy_id and received.state == "registered"
        assert received.serial == "XF-2026-000001"  # the receiver's own register
        assert (received.source_tenant_id, received.source_petition_id) == (
            ids["county"],
            original.id,
        )
        assert received.channel == "referred" and received.received_on == TODAY
        # 15 days from 09-04 end on Saturday 09-19, a rest day: the period ends on
        # Sunday 09-20, a make-up working day (调休) before National Day.
        assert received.accept_due == date(2026, 9, 20)
        assert received.return_due is not None
        assert received.category_id is None  # categories are each tenant's own
        assert db.session.scalars(select(Petitioner)).all() == []  # no identity by default
        assert [h.transition for h in FLOW.history(received)] == ["create"]
        assert "petition.create" in _actions()
    assert [h.transition for h in FLOW.history(original)] == ["create", "forward"]
    assert "petition.cross_tenant" in _actions()


def test_the_identity_travels_only_when_asked_by_someone_allowed_to_see_it(
    world, new_petition, leader, users
):
    ids, _people = world
    original = new_petition()
    with pytest.raises(TransitionForbidden):
        crosstenant.forward(
            original, leader, target_tenant_id=ids["neighbour"], include_identity=True
        )
    assert original.state == "registered"
    allowed = Actor(user=users["leader"], permissions=IDENTITY)
    crosstenant.forward(original, allowed, target_tenant_id=ids["neighbour"], include_identity=True)
    db.session.commit()
    assert "petition.identity_forwarded" in _actions()
    with _in(ids["neighbour"]):
        assert [p.id_number for p in db.session.scalars(select(Petitioner))] == [
            "330122195001011234"
        ]


def test_forwarding_to_a_body_outside_the_platform_makes_no_copy(world, new_petition, leader):
    ids, _people = world
    original = new_petition()
    assert crosstenant.forward(original, leader, target_name="县纪委监委") is None
    assert (original.state, original.target_name, original.target_tenant_id) == (
        "forwarded",
        "县纪委监委",
        None,
    )


@pytest.mark.parametrize("where", ["nopet", "county"])
def test_forwarding_only_to_other_tenants_that_handle_petitions(world, new_petition, leader, where):
    ids, _people = world
    original = new_petition()
    with pytest.raises(ValidationError) as refused:
        crosstenant.forward(original, leader, target_tenant_id=ids[where])
    assert "target_tenant_id" in refused.value.messages
    assert original.state == "registered"


# -- 交办 -------------------------------------------------------------------------------------


def _close(petition: Petition, actor: Actor, handler_id: int, outcome: str = "support") -> None:
    FLOW.fire(petition, "accept", actor)
    FLOW.fire(petition, "assign_handler", actor, data={"handler_user_id": handler_id})
    FLOW.fire(petition, "draft", actor, data={"outcome": outcome, "basis": "经核实"})
    FLOW.fire(petition, "approve", actor)
    FLOW.fire(petition, "close", actor, data={"reply_text": "已落实待遇"})


@pytest.mark.parametrize("where", ["neighbour", "city", "nopet"])
def test_assigning_only_to_the_tenants_own_children(world, new_petition, leader, where):
    ids, _people = world
    original = new_petition()
    with pytest.raises(ValidationError, match="下级单位"):
        crosstenant.assign(
            original, leader, target_tenant_id=ids[where], report_back_due=TODAY + timedelta(30)
        )
    assert original.state == "registered"


def test_assignment_needs_an_approver(world, new_petition, clerk):
    ids, _people = world
    with pytest.raises(TransitionForbidden):
        crosstenant.assign(
            new_petition(),
            clerk,
            target_tenant_id=ids["town"],
            report_back_due=TODAY + timedelta(9),
        )


def test_the_childs_result_flows_back_to_the_assigner(
    world, new_petition, leader, users, set_today
):
    ids, people = world
    original = new_petition()
    due = date(2026, 10, 9)
    copy = crosstenant.assign(original, leader, target_tenant_id=ids["town"], report_back_due=due)
    copy_id = copy.id
    db.session.commit()
    assert (original.state, original.report_back_due, original.target_petition_id) == (
        "assigned",
        due,
        copy_id,
    )
    set_today(date(2026, 9, 20))
    with _in(ids["town"]):
        child = db.session.get(Petition, copy_id)
        assert (child.channel, child.report_back_due) == ("assigned", due)
        _close(child, people["town"], people["town"].user_id, outcome="explain")
        db.session.commit()
    db.session.expire_all()
    assert original.state == "reported_back"
    assert (original.report_outcome, original.report_text, original.reported_back_on) == (
        "explain",
        "已落实待遇",
        date(2026, 9, 20),
    )
    back = FLOW.history(original)[-1]
    assert (back.transition, back.actor_name) == ("report_back", "town_leader")
    (item,) = [i for i in todo_items(_county(), leader) if i.kind == "petition.reported_back"]
    assert original.serial in item.title
    FLOW.fire(original, "accept_report", leader)
    assert original.state == "final"


def test_an_overdue_report_back_is_red_on_the_assigners_list(
    world, new_petition, leader, set_today
):
    ids, _people = world
    original = new_petition()
    crosstenant.assign(
        original, leader, target_tenant_id=ids["town"], report_back_due=date(2026, 9, 30)
    )
    db.session.commit()
    set_today(date(2026, 10, 1))
    scan_all()
    db.session.expire_all()
    assert (original.current_due, original.light) == (date(2026, 9, 30), "red")
    (item,) = [i for i in todo_items(_county(), leader) if i.kind == "petition.assigned"]
    assert item.light == "red" and item.due == date(2026, 9, 30)


def test_a_copy_sent_back_puts_the_original_back_into_screening(world, new_petition, leader):
    ids, people = world
    original = new_petition()
    copy_id = crosstenant.forward(original, leader, target_tenant_id=ids["neighbour"]).id
    db.session.commit()
    with _in(ids["neighbour"]):
        received = db.session.get(Petition, copy_id)
        FLOW.fire(received, "send_back", people["neighbour"], comment="不属本单位职责")
        db.session.commit()
    db.session.expire_all()
    assert original.state == "screening" and original.target_petition_id is None
    last = FLOW.history(original)[-1]
    assert (last.transition, last.comment) == ("came_back", "不属本单位职责")


def test_linked_moves_cannot_be_fired_by_hand(world, new_petition, leader):
    ids, _people = world
    original = new_petition()
    crosstenant.assign(
        original, leader, target_tenant_id=ids["town"], report_back_due=TODAY + timedelta(9)
    )
    for move in ("report_back", "came_back"):
        with pytest.raises(IllegalTransition, match="不能手动执行"):
            FLOW.fire(original, move, leader)
    assert [t.name for t in FLOW.available(original, leader)] == []


# -- 复查 and 复核 ----------------------------------------------------------------------------


def test_review_then_rereview_by_the_upper_bodies(world, new_petition, leader, users, set_today):
    ids, people = world
    original = new_petition()
    _close(original, leader, users["li"].id)
    review_id = reviews.request_review(original, leader, comment="对答复不服").id
    db.session.commit()
    assert (original.state, original.review_tenant_id, original.review_case_id) == (
        "review_requested",
        ids["city"],
        review_id,
    )
    with pytest.raises(IllegalTransition, match="上级机关办理"):
        FLOW.fire(original, "answer_review", leader, comment="自己答复")
    with _in(ids["city"]):
        case = db.session.get(Petition, review_id)
        assert (case.state, case.case_type, case.channel) == (
            "case_open",
            "review",
            "review_request",
        )
        # 30 days from 09-04 end on 10-04, inside National Day: the next working day.
        assert case.review_due == date(2026, 10, 8)
        assert "已落实待遇" in case.details and "对答复不服" in case.details
        set_today(date(2026, 9, 25))
        reviews.answer_case(case, people["city"], "维持原处理意见")
        db.session.commit()
        assert case.state == "case_answered"
    db.session.expire_all()
    assert (original.state, original.review_answer, original.reviewed_on) == (
        "reviewed",
        "维持原处理意见",
        date(2026, 9, 25),
    )
    rereview_id = reviews.request_review(original, leader).id
    db.session.commit()
    assert original.state == "rereview_requested" and original.review_tenant_id == ids["province"]
    with _in(ids["province"]):
        case = db.session.get(Petition, rereview_id)
        assert case.case_type == "rereview" and "维持原处理意见" in case.details
        reviews.answer_case(case, people["province"], "复核维持")
        db.session.commit()
    db.session.expire_all()
    assert (original.state, original.rereview_answer) == ("final", "复核维持")
    moves = [h.transition for h in FLOW.history(original)]
    assert moves[-4:] == [
        "request_review",
        "review_answered",
        "request_rereview",
        "rereview_answered",
    ]


def test_no_review_case_without_an_upper_body_on_the_platform(world, new_petition, leader, users):
    ids, people = world
    with _in(ids["neighbour"]):
        petition = _register_in_neighbour(people["neighbour"])
        _close(petition, people["neighbour"], people["neighbour"].user_id)
        with pytest.raises(IllegalTransition, match="线下报送"):
            reviews.request_review(petition, people["neighbour"])
        assert petition.state == "closed"


def _register_in_neighbour(actor: Actor) -> Petition:
    from plugins.petitions.services.registration import register

    return register(
        {"received_on": TODAY, "channel": "visit", "kind": "request", "summary": "求决"},
        [{"name": "赵某"}],
        [],
        actor,
    )


def test_only_closed_or_reviewed_petitions_go_to_review(world, new_petition, leader):
    with pytest.raises(IllegalTransition, match="不能申请复查或复核"):
        reviews.request_review(new_petition(), leader)


# -- isolation --------------------------------------------------------------------------------


def test_the_child_sees_its_copy_and_nothing_else_of_the_parent(world, new_petition, leader):
    ids, _people = world
    original = new_petition()
    other = new_petition(summary="另一件")
    copy_id = crosstenant.assign(
        original, leader, target_tenant_id=ids["town"], report_back_due=TODAY + timedelta(9)
    ).id
    db.session.commit()
    original_id, other_id = original.id, other.id
    db.session.expunge_all()
    with _in(ids["town"]):
        assert [p.id for p in _petitions()] == [copy_id]
        assert db.session.get(Petition, original_id) is None
        assert db.session.get(Petition, other_id) is None


def test_the_api_forwards_and_refuses_foreign_ids(app, world, factory, new_petition):
    ids, _people = world
    db.session.commit()  # SQLite: the factory writes through another connection
    person = factory.user("county", "api_leader", roles=("admin", "petition_leader"))
    token = factory.token(person)
    original = new_petition()
    db.session.commit()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    base = "/api/v1/t/county/petitions"
    targets = client.get(f"{base}/targets", headers=headers).get_json()
    assert [t["id"] for t in targets["assign"]] == [ids["town"]]
    assert ids["neighbour"] in [t["id"] for t in targets["forward"]]
    bad = client.post(
        f"{base}/{original.id}/transitions/assign",
        json={"target_tenant_id": ids["neighbour"], "report_back_due": "2026-10-09"},
        headers=headers,
    )
    assert bad.status_code == 422 and "target_tenant_id" in bad.get_json()["errors"]
    done = client.post(
        f"{base}/{original.id}/transitions/forward",
        json={"target_tenant_id": ids["neighbour"], "comment": "转有权处理机关"},
        headers=headers,
    )
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["state"] == "forwarded"
    body = client.get(f"{base}/{original.id}/links", headers=headers).get_json()
    assert body["target_petition_id"]
    # The old hand-written move routes are gone: one convention, generated from the flow.
    old = client.post(f"{base}/{original.id}/forward", json={}, headers=headers)
    assert old.status_code in (404, 405)
    # The copy's id means nothing in the county: 404, not the neighbour's petition.
    copy_id = body["target_petition_id"]
    assert client.get(f"{base}/{copy_id}/links", headers=headers).status_code == 404
    assert client.get(f"{base}/987654321/links", headers=headers).status_code == 404


def test_the_generated_answer_route_sends_the_answer_down(world, new_petition, leader, users):
    """``…/transitions/answer_case`` (what replaced ``/case-answer``) fires through
    :func:`actions.fire`: its comment is the answer the original petition records."""
    ids, people = world
    original = new_petition()
    _close(original, leader, users["li"].id)
    review_id = reviews.request_review(original, leader, comment="对答复不服").id
    db.session.commit()
    with _in(ids["city"]):
        case = db.session.get(Petition, review_id)
        actions.fire(case, "answer_case", people["city"], {"comment": "维持原处理意见"})
        db.session.commit()
        assert (case.state, case.reply_text) == ("case_answered", "维持原处理意见")
    db.session.expire_all()
    assert (original.state, original.review_answer) == ("reviewed", "维持原处理意见")


def test_a_review_case_runs_against_its_answer_period_only_and_a_late_answer_is_marked(
    world, new_petition, leader, users, set_today
):
    """Issue 12: the upper body's case gets no 15-day acceptance date (nor a return
    period); its 30-day answer period shows from the moment it opens; an answer after it
    is still sent down, and marked in the history and the audit."""
    ids, people = world
    original = new_petition()
    _close(original, leader, users["li"].id)
    review_id = reviews.request_review(original, leader).id
    db.session.commit()
    with _in(ids["city"]):
        case = db.session.get(Petition, review_id)
        assert (case.accept_due, case.return_due) == (None, None)
        assert case.review_due == date(2026, 10, 8)
        set_today(date(2026, 10, 12))
        reviews.answer_case(case, people["city"], "维持原处理意见")
        db.session.commit()
        [late] = [h for h in FLOW.history(case) if h.transition == "answered_late"]
        assert late.data == {"due": "2026-10-08", "days_late": 4}
        assert "petition.answered_late" in _actions()
    db.session.expire_all()
    assert original.state == "reviewed"


def test_an_answer_in_time_is_not_marked(world, new_petition, leader, users, set_today):
    ids, people = world
    original = new_petition()
    _close(original, leader, users["li"].id)
    review_id = reviews.request_review(original, leader).id
    db.session.commit()
    with _in(ids["city"]):
        case = db.session.get(Petition, review_id)
        set_today(date(2026, 10, 8))
        reviews.answer_case(case, people["city"], "维持原处理意见")
        db.session.commit()
        assert "answered_late" not in [h.transition for h in FLOW.history(case)]
