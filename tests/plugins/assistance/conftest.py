"""A tenant with the assistance plugin, its people, a settable clock and helpers that put
money in the fund and members on the register."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

import pytest
from sqlalchemy import select

from core.auth.models import User
from core.auth.users import Actor
from core.db import db
from core.orgs.models import Member, OrgUnit
from core.plugins.manager import hook_for
from core.tenancy.models import Tenant
from core.tenancy.scope import tenant_scope
from plugins.assistance.services import fund as fund_service

CLERK_PERMISSIONS = frozenset({"assistance.view", "assistance.register"})
LEADER_PERMISSIONS = CLERK_PERMISSIONS | {
    "assistance.approve",
    "assistance.pay",
    "assistance.view_income",
}
CHIEF_PERMISSIONS = LEADER_PERMISSIONS | {"assistance.approve_major"}


@pytest.fixture
def tenant(app_context, factory) -> Iterator[int]:
    factory.tenant("city", plugins=["assistance"])
    tenant_id = factory.tenant("county", parent="city", plugins=["assistance"])
    with tenant_scope(tenant_id):
        yield tenant_id


@pytest.fixture
def users(tenant, factory) -> dict[str, User]:
    people = {name: factory.user("county", name, roles=()) for name in ("clerk", "leader", "chief")}
    return {name: db.session.get(User, p.user_id) for name, p in people.items()}


@pytest.fixture
def clerk(users) -> Actor:
    return Actor(user=users["clerk"], permissions=CLERK_PERMISSIONS)


@pytest.fixture
def leader(users) -> Actor:
    return Actor(user=users["leader"], permissions=LEADER_PERMISSIONS)


@pytest.fixture
def chief(users) -> Actor:
    return Actor(user=users["chief"], permissions=CHIEF_PERMISSIONS)


@pytest.fixture
def fund(leader) -> Callable[..., None]:
    """``fund(100_000, source="fiscal")`` puts money into the fund with an approval."""

    def give(amount_fen: int, source: str = "fiscal") -> None:
        approval = fund_service.approve(
            "receipt", amount_fen, leader, document_no="县财〔2026〕1号"
        )
        fund_service.receive(source, amount_fen, approval, leader)

    return give


@pytest.fixture
def branch(tenant, users) -> OrgUnit:
    # After the users: the factory writes them through its own session (SQLite locks).
    unit = OrgUnit(name="东村党支部", kind="branch")
    db.session.add(unit)
    db.session.flush()
    return unit


@pytest.fixture
def new_member(branch) -> Callable[..., Member]:
    counter = iter(range(1, 10_000))

    def make(name: str = "王大山", **data) -> Member:
        n = next(counter)
        values = {
            "gender": "male",
            "id_number": f"3301221950010{n:04d}"[:17] + "X",
            "branch_id": branch.id,
            "joined_on": date(1970, 7, 1),
            **data,
        }
        member = Member(name=name, **values)
        db.session.add(member)
        db.session.flush()
        return member

    return make


@pytest.fixture
def world(app, factory):
    """Demo data in a county under a city, over HTTP: tokens of a leader and a clerk."""
    factory.tenant("city", plugins=["assistance"])
    factory.tenant("county", parent="city", plugins=["assistance"])
    leader = factory.user("county", "leader", roles=["admin", "assistance_leader"])
    clerk = factory.user("county", "clerk", roles=["staff", "assistance_clerk"])
    with app.app_context():
        tenant = db.session.scalar(select(Tenant).where(Tenant.slug == "county"))
        with tenant_scope(tenant.id):
            hook_for(tenant).zugong_demo_data(tenant=tenant)
        db.session.commit()
    return {
        "leader": factory.token(leader),
        "clerk": factory.token(clerk),
        "tenant_id": factory.tenant_id("county"),
    }
