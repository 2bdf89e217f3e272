"""A tenant with the petitions plugin, actors, a settable clock and a registering helper."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

import pytest

from core.auth.models import User
from core.auth.users import Actor
from core.db import db
from core.tenancy.scope import tenant_scope
from plugins.petitions.models import Petition, PetitionCategory
from plugins.petitions.services.registration import register

CLERK_PERMISSIONS = frozenset({"petitions.view", "petitions.register", "petitions.handle"})
LEADER_PERMISSIONS = CLERK_PERMISSIONS | {"petitions.approve"}


@pytest.fixture
def tenant(app_context, factory) -> Iterator[int]:
    tenant_id = factory.tenant("county", plugins=["petitions"])
    with tenant_scope(tenant_id):
        yield tenant_id


@pytest.fixture
def users(tenant, factory) -> dict[str, User]:
    people = {name: factory.user("county", name, roles=()) for name in ("clerk", "leader", "li")}
    return {name: db.session.get(User, p.user_id) for name, p in people.items()}


@pytest.fixture
def clerk(users) -> Actor:
    return Actor(user=users["clerk"], permissions=CLERK_PERMISSIONS)


@pytest.fixture
def leader(users) -> Actor:
    return Actor(user=users["leader"], permissions=LEADER_PERMISSIONS)


@pytest.fixture
def category(tenant) -> PetitionCategory:
    row = PetitionCategory(name="选人用人")
    db.session.add(row)
    db.session.flush()
    return row


@pytest.fixture
def new_petition(clerk, category) -> Callable[..., Petition]:
    def make(
        received_on: date = date(2026, 9, 16),
        *,
        petitioners: list[dict] | None = None,
        reported: list[dict] | None = None,
        **data,
    ) -> Petition:
        values = {
            "received_on": received_on,
            "channel": "letter",
            "kind": "request",
            "category_id": category.id,
            "summary": "反映退休待遇问题",
            **data,
        }
        people = (
            [{"name": "王某", "id_number": "330122195001011234", "phone": "13800000000"}]
            if petitioners is None
            else petitioners
        )
        return register(values, people, reported or [], clerk)

    return make
