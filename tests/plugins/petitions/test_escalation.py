"""Escalation (督办) through the plugin hook: offered only where an enabled plugin
implements it, allowed for overdue or leader-flagged petitions, by approvers."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from core.audit.models import AuditEntry
from core.auth.models import User
from core.auth.users import Actor
from core.db import db
from core.plugins import enablement, hookimpl
from core.plugins.types import PluginMeta
from core.tenancy.models import Tenant
from core.tenancy.scope import tenant_scope
from core.workflow import IllegalTransition, TransitionForbidden
from plugins.petitions.hookspecs import Escalation
from plugins.petitions.models import Petition
from plugins.petitions.services import escalation
from plugins.petitions.services.registration import register
from plugins.petitions.workflow import PETITION_FLOW as FLOW
from tests.factories import bearer
from tests.plugins.petitions.conftest import CLERK_PERMISSIONS, LEADER_PERMISSIONS


class FollowUp:
    """A test-only supervision plugin: remembers what it was handed."""

    def __init__(self) -> None:
        self.received = []
        self.decline = False

    @hookimpl
    def zugong_plugin_meta(self):
        return PluginMeta("followup", "跟踪", "Follow-up", "0.0.1")

    @hookimpl
    def zugong_petition_escalate(self, tenant, actor, petition):
        if self.decline:
            return None
        self.received.append(petition)
        return Escalation("followup", f"DB-{petition.id}", "督办件 1", "/t/x/followup/1")


FOLLOWUP = FollowUp()


@pytest.fixture
def escalating_app(sibling_app):
    FOLLOWUP.received.clear()
    FOLLOWUP.decline = False
    return sibling_app("followup", EXTRA_PLUGINS=[("followup", FOLLOWUP)])


@pytest.fixture
def world(escalating_app, factory, set_today):
    """County with petitions and follow-up, neighbour with petitions only; a leader."""
    set_today(date(2026, 3, 2))
    with escalating_app.app_context():
        from tests.factories import Factory

        make = Factory(escalating_app)
        county = make.tenant("county", plugins=["petitions", "followup"])
        plain = make.tenant("plain", plugins=["petitions"])
        boss = make.user("county", "boss", roles=("admin", "petition_leader"))
        make.user("plain", "boss", roles=("admin", "petition_leader"))
    ctx = escalating_app.app_context()
    ctx.push()
    yield escalating_app, county, plain, boss
    db.session.rollback()
    ctx.pop()


def _petition(received: date) -> Petition:
    return register(
        {"received_on": received, "channel": "letter", "kind": "request", "summary": "求决"},
        [{"name": "王某", "phone": "13800000000"}],
        [],
        Actor(user=None, permissions=frozenset({"petitions.register"})),
    )


def test_offered_only_where_an_enabled_plugin_implements_it(world):
    _app, county, plain, _boss = world
    assert escalation.available(db.session.get(Tenant, county))
    assert not escalation.available(db.session.get(Tenant, plain))
    enablement.disable(db.session.get(Tenant, county), "followup")
    from core.plugins.manager import forget_enabled_cache

    forget_enabled_cache()
    assert not escalation.available(db.session.get(Tenant, county))


def test_overdue_or_flagged_petitions_only_by_approvers(world, set_today):
    _app, county, _plain, boss = world
    leader = Actor(user=db.session.get(User, boss.user_id), permissions=LEADER_PERMISSIONS)
    clerk = Actor(user=leader.user, permissions=CLERK_PERMISSIONS)
    with tenant_scope(county):
        fresh = _petition(date(2026, 3, 2))  # acceptance due 03-17
        with pytest.raises(IllegalTransition, match="只有逾期或经领导批示"):
            escalation.escalate(fresh, leader, "久拖不决")
        escalation.flag(fresh, leader, "领导批示：督办")
        with pytest.raises(TransitionForbidden):
            escalation.escalate(fresh, clerk, "久拖不决")
        result = escalation.escalate(fresh, leader, "领导批示")
        assert (fresh.escalation_plugin, fresh.escalation_ref, fresh.escalation_title) == (
            "followup",
            f"DB-{fresh.id}",
            "督办件 1",
        )
        assert result.url == fresh.escalation_url
        handed = FOLLOWUP.received[-1]
        assert (handed.serial, handed.due, handed.reason) == (
            fresh.serial,
            date(2026, 3, 17),
            "领导批示",
        )
        assert not hasattr(handed, "petitioners")  # nobody's identity travels
        with pytest.raises(IllegalTransition, match="已升级督办"):
            escalation.escalate(fresh, leader, "again")
        assert [h.transition for h in FLOW.history(fresh)][-2:] == ["flagged", "escalated"]
        actions = db.session.scalars(select(AuditEntry.action)).all()
        assert {"petition.flagged", "petition.escalated"} <= set(actions)
        late = _petition(date(2026, 3, 2))
        set_today(date(2026, 3, 18))
        escalation.escalate(late, leader, "逾期未受理")
        assert late.escalated_at is not None


def test_a_declining_plugin_leaves_the_petition_as_it_was(world, set_today):
    _app, county, _plain, boss = world
    leader = Actor(user=db.session.get(User, boss.user_id), permissions=LEADER_PERMISSIONS)
    FOLLOWUP.decline = True
    with tenant_scope(county):
        petition = _petition(date(2026, 2, 1))
        with pytest.raises(IllegalTransition, match="未接收"):
            escalation.escalate(petition, leader, "逾期")
        assert petition.escalated_at is None


def test_the_endpoint_is_404_where_not_offered_409_when_not_eligible(world, factory):
    app, county, plain, boss = world
    with tenant_scope(county):
        county_petition = _petition(date(2026, 3, 2)).id
    with tenant_scope(plain):
        plain_petition = _petition(date(2026, 1, 2)).id
    db.session.commit()
    from tests.factories import Factory

    make = Factory(app)
    token = make.token(boss)
    plain_token = make.token(type(boss)(boss.user_id, boss.username, "plain"))
    client = app.test_client()
    url = "/api/v1/t/{}/petitions/{}/escalat{}"
    state = client.get(url.format("county", county_petition, "ion"), headers=bearer(token))
    assert state.status_code == 200 and state.get_json()["eligible"] is False
    refused = client.post(
        url.format("county", county_petition, "e"), json={"reason": "x"}, headers=bearer(token)
    )
    assert refused.status_code == 409
    assert (
        client.post(
            url.format("plain", plain_petition, "e"),
            json={"reason": "x"},
            headers=bearer(plain_token),
        ).status_code
        == 404
    )
    assert (
        client.get(
            url.format("plain", plain_petition, "ion"), headers=bearer(plain_token)
        ).status_code
        == 404
    )
    flagged = client.post(
        f"/api/v1/t/county/petitions/{county_petition}/flag",
        json={"reason": "批示"},
        headers=bearer(token),
    )
    assert flagged.status_code == 200
    done = client.post(
        url.format("county", county_petition, "e"), json={"reason": "督办"}, headers=bearer(token)
    )
    assert done.status_code == 200 and done.get_json()["escalation_ref"] == f"DB-{county_petition}"
