"""Level-2 flows: an adopted item forwarded (转报) level by level up to the root, each
level deciding for itself; withdrawal before the parent acts revokes the grant; a
returned item revised and resubmitted keeps every version, and the differences show."""

from __future__ import annotations

import pytest

from core.db import db
from core.tenancy.grants import grants_of
from core.tenancy.scope import tenant_scope
from core.workflow import WorkflowError
from plugins.reporting import queries, services
from plugins.reporting.diffs import text_changes
from plugins.reporting.models import ReportItem


def _decide(as_tenant, slug, item, move, actor, comment=None):
    with as_tenant(slug):
        change = services.decide(queries.received_submission(item), move, actor, comment=comment)
        db.session.flush()
    return change


def _grantees(item, tree):
    names = {v: k for k, v in tree.items()}
    with tenant_scope(item.tenant_id):
        return sorted(names[g.grantee_tenant_id] for g in grants_of(item))


def test_forwarded_to_the_root_and_each_level_decides_for_itself(
    submitted, people, as_tenant, tree
):
    item = submitted()
    _decide(as_tenant, "city", item, "adopt", people["city_editor"])
    _decide(as_tenant, "city", item, "forward", people["city_editor"])
    assert _grantees(item, tree) == ["city", "province"]
    _decide(as_tenant, "province", item, "decline", people["province_editor"])
    with as_tenant("county"):
        own = db.session.get(ReportItem, item.id)
        chain = queries.chain_of(own)
        # The province's decision is its own: the item stays adopted by the city.
        assert [(s.level, s.state) for s in chain.submissions] == [
            (1, "forwarded"),
            (2, "declined"),
        ]
        assert own.state == "adopted"


def test_the_root_has_nobody_to_forward_to(submitted, people, as_tenant):
    item = submitted()
    _decide(as_tenant, "city", item, "adopt", people["city_editor"])
    _decide(as_tenant, "city", item, "forward", people["city_editor"])
    _decide(as_tenant, "province", item, "adopt", people["province_editor"])
    with pytest.raises(WorkflowError, match="没有启用信息报送的上级单位"):
        _decide(as_tenant, "province", item, "forward", people["province_editor"])


def test_only_the_receiving_level_decides(submitted, people, as_tenant):
    item = submitted()
    _decide(as_tenant, "city", item, "adopt", people["city_editor"])
    _decide(as_tenant, "city", item, "forward", people["city_editor"])
    with as_tenant("city"):
        upper = [s for s in queries.chain_of(item).submissions if s.level == 2][0]
        with pytest.raises(WorkflowError):
            services.decide(upper, "adopt", people["city_editor"])


def test_withdrawing_before_the_parent_acts_revokes_the_grant(submitted, people, as_tenant, tree):
    item = submitted()
    assert _grantees(item, tree) == ["city"]
    with as_tenant("county"):
        services.move_item(item, "withdraw", people["writer"])
    assert _grantees(item, tree) == []
    with as_tenant("city"):
        assert db.session.get(ReportItem, item.id) is None


def test_no_withdrawal_once_the_parent_acted(submitted, people, as_tenant):
    item = submitted()
    _decide(as_tenant, "city", item, "adopt", people["city_editor"])
    with as_tenant("county"), pytest.raises(WorkflowError, match="已采用"):
        services.move_item(item, "withdraw", people["writer"])


def test_returned_revised_resubmitted_keeps_every_version(submitted, people, as_tenant):
    item = submitted()
    _decide(as_tenant, "city", item, "return", people["city_editor"], comment="补充数据")
    with as_tenant("county"):
        services.update_item(item, {"title": "我县党员积分制管理成效明显"}, people["writer"])
        services.move_item(item, "send_for_approval", people["writer"])
        services.move_item(item, "approve", people["leader"])
    _decide(as_tenant, "city", item, "return", people["city_editor"], comment="再精简")
    with as_tenant("county"):
        services.update_item(item, {"body": "我县推行党员积分制。"}, people["writer"])
        services.move_item(item, "send_for_approval", people["writer"])
        services.move_item(item, "approve", people["leader"])
    with as_tenant("city"):
        chain = queries.chain_of(db.session.get(ReportItem, item.id))
        (submission,) = chain.submissions
    assert [v.number for v in chain.versions] == [1, 2, 3]
    assert (submission.state, submission.version) == ("submitted", 3)
    assert chain.versions[0].title != chain.versions[1].title
    assert chain.versions[1].body != chain.versions[2].body


def test_text_changes_are_runs_of_kept_deleted_and_inserted_characters():
    assert text_changes("全县党员积分制", "全市党员积分制管理") == [
        {"op": "equal", "text": "全"},
        {"op": "delete", "text": "县"},
        {"op": "insert", "text": "市"},
        {"op": "equal", "text": "党员积分制"},
        {"op": "insert", "text": "管理"},
    ]
    assert text_changes("同", "同") == [{"op": "equal", "text": "同"}]
