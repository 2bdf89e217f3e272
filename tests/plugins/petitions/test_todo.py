"""To-do items that wait from the start, whatever the light: a petition filed online
until it is decided (clerks), a draft outcome until it is approved or sent back
(approvers). Each leaves the list when handled, and none is listed twice."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from core.db import db
from core.tenancy.models import Tenant
from plugins.petitions.jobs import scan_all
from plugins.petitions.todo import todo_items
from plugins.petitions.workflow import PETITION_FLOW as FLOW

RECEIVED = date(2026, 9, 16)


@pytest.fixture(autouse=True)
def _today(set_today):
    set_today(RECEIVED)


def _county() -> Tenant:
    return db.session.scalar(select(Tenant).where(Tenant.slug == "county"))


def _titles(actor) -> list[str]:
    return [item.title for item in todo_items(_county(), actor)]


def test_an_online_petition_waits_on_the_clerks_from_the_moment_it_arrives(
    new_petition, clerk, leader
):
    online = new_petition(channel="online", summary="网上反映")
    letter = new_petition(summary="来信反映")
    db.session.flush()
    assert online.light == "green" and letter.light == "green"
    # Green, yet listed: nobody at the desk saw it come in. The letter waits for its light.
    assert _titles(clerk) == [f"网上信访待审查：{online.serial} 网上反映"]
    (item,) = todo_items(_county(), clerk)
    assert (item.due, item.light, item.kind) == (date(2026, 10, 8), "green", "petition.registered")
    FLOW.fire(online, "screen", clerk)
    assert _titles(clerk) == [f"网上信访待审查：{online.serial} 网上反映"]
    FLOW.fire(online, "accept", clerk)
    db.session.flush()
    assert _titles(clerk) == []


def test_a_late_online_petition_is_listed_once(new_petition, clerk, set_today):
    online = new_petition(channel="online", summary="网上反映")
    db.session.commit()
    set_today(date(2026, 10, 9))
    scan_all()
    db.session.expire_all()
    assert online.light == "red"
    (item,) = todo_items(_county(), clerk)
    assert (item.title, item.light) == (f"网上信访待审查：{online.serial} 网上反映", "red")


def test_the_leader_sees_every_draft_until_it_is_approved(new_petition, clerk, leader, users):
    petition = new_petition(summary="待审批")
    FLOW.fire(petition, "accept", clerk)
    FLOW.fire(petition, "assign_handler", clerk, data={"handler_user_id": users["clerk"].id})
    assert _titles(leader) == []
    FLOW.fire(petition, "draft", clerk, data={"outcome": "support", "basis": "经核实"})
    db.session.flush()
    assert petition.light == "green"
    assert _titles(leader) == [f"处理意见待审批：{petition.serial} 待审批"]
    assert _titles(clerk) == []  # drafting is not approving
    FLOW.fire(petition, "reject_draft", leader, comment="补充依据")
    assert _titles(leader) == []
    FLOW.fire(petition, "draft", clerk, data={"outcome": "support", "basis": "已补充"})
    assert len(_titles(leader)) == 1
    FLOW.fire(petition, "approve", leader)
    db.session.flush()
    assert _titles(leader) == []
