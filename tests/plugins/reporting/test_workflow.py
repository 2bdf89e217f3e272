"""Every move of an item and of its submission at each level, with permissions, guards,
history, versions and the grants that make a submitted item readable upward (and only
there)."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from werkzeug.exceptions import NotFound

from core.audit.models import AuditEntry
from core.auth.users import Actor
from core.db import db
from core.workflow import IllegalTransition, TransitionForbidden
from plugins.reporting import queries, services
from plugins.reporting.models import ItemVersion, ReportItem
from plugins.reporting.workflow import ITEM_FLOW, SUBMISSION_FLOW

EVERYONE = ("county", "city", "province", "sibling", "other_city", "cousin")


def _readers(as_tenant, item_id: int) -> set[str]:
    """Which tenants of the tree can read the item (in a granted scope)."""
    found = set()
    for slug in EVERYONE:
        with as_tenant(slug):
            if db.session.get(ReportItem, item_id) is not None:
                found.add(slug)
    return found


def _decide(as_tenant, slug: str, item: ReportItem, move: str, actor, comment=None):
    with as_tenant(slug):
        submission = queries.received_submission(item)
        services.decide(submission, move, actor, comment=comment)
        db.session.flush()
    return submission


def test_a_new_item_is_a_numbered_draft_with_its_word_count(new_item):
    item = new_item()
    assert (item.serial, item.state, item.version) == ("XX-2026-0001", "draft", 1)
    assert item.word_count == 32  # 20 + 12 characters, punctuation counted, blanks not
    assert new_item().serial == "XX-2026-0002"


def test_drafts_and_internal_approval_stay_private(new_item, people, as_tenant):
    item = new_item()
    assert _readers(as_tenant, item.id) == {"county"}
    with as_tenant("county"):
        services.move_item(item, "send_for_approval", people["writer"])
    assert item.state == "awaiting_approval"
    assert _readers(as_tenant, item.id) == {"county"}


def test_only_a_leader_approves_and_sending_back_needs_a_comment(new_item, people, as_tenant):
    item = new_item()
    with as_tenant("county"):
        services.move_item(item, "send_for_approval", people["writer"])
        with pytest.raises(TransitionForbidden):
            services.move_item(item, "approve", people["writer"])
        with pytest.raises(IllegalTransition):
            services.move_item(item, "send_back", people["leader"])
        services.move_item(item, "send_back", people["leader"], comment="数据请核实")
    assert item.state == "draft"


def test_approval_submits_to_the_parent_alone(submitted, as_tenant):
    item = submitted()
    assert item.state == "submitted"
    assert _readers(as_tenant, item.id) == {"county", "city"}
    with as_tenant("city"):
        submission = queries.received_submission(item)
        assert (submission.level, submission.state, submission.version) == (1, "submitted", 1)
    with as_tenant("county"):
        versions = db.session.scalars(select(ItemVersion.number)).all()
    assert versions == [1]


def test_the_parent_reads_nothing_outside_a_granted_scope(submitted, as_tenant):
    item = submitted()
    with as_tenant("city", grants=False):
        assert db.session.get(ReportItem, item.id) is None


def test_withdrawing_before_the_parent_acts_revokes_the_grant(submitted, people, as_tenant):
    item = submitted()
    with as_tenant("county"):
        services.move_item(item, "withdraw", people["writer"])
    assert item.state == "draft"
    assert _readers(as_tenant, item.id) == {"county"}
    with as_tenant("county"):
        services.move_item(item, "send_for_approval", people["writer"])
        services.move_item(item, "approve", people["leader"])
    assert _readers(as_tenant, item.id) == {"county", "city"}
    with as_tenant("county"):
        assert db.session.scalars(select(ItemVersion.number)).all() == [1, 2]


def test_no_withdrawing_once_the_parent_acted(submitted, people, as_tenant):
    item = submitted()
    _decide(as_tenant, "city", item, "adopt", people["city_editor"])
    with as_tenant("county"), pytest.raises(IllegalTransition):
        services.move_item(item, "withdraw", people["writer"])


def test_returned_for_revision_the_item_is_revised_and_every_version_kept(
    submitted, people, as_tenant
):
    item = submitted()
    with as_tenant("city"), pytest.raises(IllegalTransition):
        services.decide(queries.received_submission(item), "return", people["city_editor"])
    _decide(as_tenant, "city", item, "return", people["city_editor"], comment="请补充数据")
    assert (item.state, item.version) == ("returned", 2)
    with as_tenant("county"):
        services.update_item(
            item, {"body": item.body + "\n\n全县已有1.2万名党员参与。"}, people["writer"]
        )
        services.move_item(item, "send_for_approval", people["writer"])
        services.move_item(item, "approve", people["leader"])
    with as_tenant("city"):
        submission = queries.received_submission(item)
        assert (submission.state, submission.version) == ("submitted", 2)
        versions = queries.chain_of(item).versions
        assert [v.number for v in versions] == [1, 2]
        assert versions[0].body != versions[1].body
    with as_tenant("county"):
        history = [h.transition for h in ITEM_FLOW.history(item)]
    assert history == [
        "create",
        "send_for_approval",
        "approve",
        "returned",
        "edited",
        "send_for_approval",
        "approve",
    ]


def test_a_submitted_item_cannot_be_edited(submitted, people, as_tenant):
    from marshmallow import ValidationError

    item = submitted()
    with as_tenant("county"), pytest.raises(ValidationError):
        services.update_item(item, {"title": "改"}, people["writer"])


def test_declined(submitted, people, as_tenant):
    item = submitted()
    _decide(as_tenant, "city", item, "decline", people["city_editor"])
    assert item.state == "declined"


def test_adopted_forwarded_and_adopted_again_up_to_the_root(submitted, people, as_tenant):
    item = submitted()
    first = _decide(as_tenant, "city", item, "adopt", people["city_editor"])
    assert (item.state, first.adopted_level) == ("adopted", "city")
    assert _readers(as_tenant, item.id) == {"county", "city"}
    _decide(as_tenant, "city", item, "forward", people["city_editor"])
    assert first.state == "forwarded"
    assert _readers(as_tenant, item.id) == {"county", "city", "province"}
    second = _decide(as_tenant, "province", item, "adopt", people["province_editor"])
    assert (second.level, second.state, second.adopted_level) == (2, "adopted", "province")
    assert item.state == "adopted"  # the submitter's item shows its parent's decision
    # The root has no parent to forward to.
    with as_tenant("province"), pytest.raises(IllegalTransition):
        services.decide(queries.received_submission(item), "forward", people["province_editor"])
    # The submitter sees the whole chain.
    with as_tenant("county"):
        chain = queries.chain_of(item)
        assert [(s.level, s.state) for s in chain.submissions] == [
            (1, "forwarded"),
            (2, "adopted"),
        ]


def test_only_the_receiving_level_decides(submitted, people, as_tenant):
    item = submitted()
    county_editor = Actor(user=people["leader"].user, permissions=people["city_editor"].permissions)
    with as_tenant("county"):
        own = queries.chain_of(item).submissions[0]
        with pytest.raises(IllegalTransition):
            services.decide(own, "adopt", county_editor)
    with as_tenant("sibling"), pytest.raises(NotFound):
        services.decide(own, "adopt", people["sibling_editor"])
    with as_tenant("province"), pytest.raises(NotFound):
        services.decide(own, "adopt", people["province_editor"])
    _decide(as_tenant, "city", item, "adopt", people["city_editor"])
    _decide(as_tenant, "city", item, "forward", people["city_editor"])
    # Forwarded, the province reads the item but still cannot decide the city's level.
    with as_tenant("province"), pytest.raises(IllegalTransition):
        services.decide(own, "decline", people["province_editor"])


def test_deciding_needs_the_adopt_permission(submitted, people, as_tenant):
    item = submitted()
    clerk = Actor(user=people["city_editor"].user, permissions=frozenset({"reporting.write"}))
    with as_tenant("city"), pytest.raises(TransitionForbidden):
        services.decide(queries.received_submission(item), "adopt", clerk)


def test_linked_moves_cannot_be_fired_by_hand(submitted, people, as_tenant):
    item = submitted()
    with as_tenant("county"):
        for move in ("returned", "declined", "adopted"):
            with pytest.raises(IllegalTransition):
                services.move_item(item, move, people["leader"])
    with as_tenant("city"):
        submission = queries.received_submission(item)
        for move in ("withdraw", "resubmit"):
            with pytest.raises(IllegalTransition):
                SUBMISSION_FLOW.fire(submission, move, people["city_editor"])


def test_a_decision_is_audited_in_both_tenants(submitted, people, as_tenant):
    item = submitted()
    _decide(as_tenant, "city", item, "adopt", people["city_editor"])
    with as_tenant("city", grants=False):
        city = db.session.scalars(select(AuditEntry.action)).all()
    with as_tenant("county", grants=False):
        county = db.session.scalars(select(AuditEntry.action)).all()
    assert "reporting.on_behalf" in city
    assert {"reporting_submission.adopt", "reporting_item.adopted", "grant.create"} <= set(county)


def test_a_leaders_instruction_recorded_above_flows_down(submitted, people, as_tenant):
    item = submitted()
    _decide(as_tenant, "city", item, "adopt", people["city_editor"])
    _decide(as_tenant, "city", item, "forward", people["city_editor"])
    with as_tenant("province"):
        services.record_instruction(
            item,
            {"leader_name": "李四", "leader_level": "province", "text": "经验可推广"},
            people["province_editor"],
        )
    with as_tenant("county"):
        (instruction,) = queries.chain_of(item).instructions
    assert (instruction.leader_level, instruction.text) == ("province", "经验可推广")
    with as_tenant("cousin"), pytest.raises(NotFound):
        services.record_instruction(
            item, {"leader_name": "王五", "leader_level": "city", "text": "x"}, people["writer"]
        )
