"""A tenant with the supervision plugin: a section, people in their roles (a supervisor,
a responsible leader, a responsible person, a co-handler), a settable clock and a helper
that opens items."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

import pytest

from core.auth.models import User
from core.auth.users import Actor
from core.db import db
from core.orgs.models import OrgUnit
from core.tenancy.scope import tenant_scope
from plugins.supervision.models import SupervisionItem
from plugins.supervision.services import create_item

ALL = frozenset(
    {"supervision.view", "supervision.assign", "supervision.report", "supervision.verify"}
)
OWNER = frozenset({"supervision.view", "supervision.report"})


@pytest.fixture
def tenant(app_context, factory) -> Iterator[int]:
    tenant_id = factory.tenant("county", plugins=["supervision"])
    with tenant_scope(tenant_id):
        yield tenant_id


@pytest.fixture
def users(tenant, factory) -> dict[str, User]:
    names = ("officer", "leader", "owner", "helper", "outsider")
    people = {name: factory.user("county", name, roles=()) for name in names}
    return {name: db.session.get(User, p.user_id) for name, p in people.items()}


@pytest.fixture
def officer(users) -> Actor:
    return Actor(user=users["officer"], permissions=ALL)


@pytest.fixture
def leader(users) -> Actor:
    return Actor(user=users["leader"], permissions=ALL)


@pytest.fixture
def owner(users) -> Actor:
    return Actor(user=users["owner"], permissions=OWNER)


@pytest.fixture
def helper(users) -> Actor:
    return Actor(user=users["helper"], permissions=OWNER)


@pytest.fixture
def section(tenant) -> OrgUnit:
    unit = OrgUnit(name="组织科", kind="section")
    db.session.add(unit)
    db.session.flush()
    return unit


@pytest.fixture
def new_item(officer, users, section) -> Callable[..., SupervisionItem]:
    def make(deadline: date = date(2026, 3, 31), *, assign: bool = True, **data) -> SupervisionItem:
        milestones = data.pop("milestones", ())
        co = data.pop("co_handler_ids", [users["helper"].id])
        values = {
            "title": "完成基层党组织换届",
            "source": "priorities",
            "requirements": "按期完成换届选举",
            "leader_user_id": users["leader"].id,
            "section_id": section.id,
            "person_user_id": users["owner"].id,
            "deadline": deadline,
            "feedback_cycle": "weekly",
            **data,
        }
        return create_item(values, officer, milestones=milestones, co_handler_ids=co, assign=assign)

    return make
