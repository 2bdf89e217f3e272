"""The demo petitions: one of each situation the pages and the isolation suite need."""

from __future__ import annotations

from sqlalchemy import select

from core.db import db
from core.plugins.manager import hook_for
from core.tenancy.models import Tenant
from plugins.petitions.models import Petition, PetitionConflict
from tests.plugins.petitions.web import World
from tests.plugins.petitions.web import world as world  # noqa: F401 - the fixture


def test_demo_data_covers_the_situations_and_runs_once(world: World):
    def seed():
        tenant = db.session.scalar(select(Tenant).where(Tenant.slug == "county"))
        hook_for(tenant).zugong_demo_data(tenant=tenant)
        hook_for(tenant).zugong_demo_data(tenant=tenant)
        db.session.commit()
        petitions = list(db.session.scalars(select(Petition).order_by(Petition.id)))
        return [(p.state, p.kind, p.is_anonymous, p.is_collective) for p in petitions]

    rows = world.in_tenant("county", seed)
    assert len(rows) == 6  # five of the clerk's pages, one filed on the portal
    states = {state for state, *_ in rows}
    assert {"screening", "in_handling", "filed", "accepted", "rated"} <= states
    assert any(kind == "report" and not anonymous for _, kind, anonymous, _ in rows)
    assert any(anonymous for _, _, anonymous, _ in rows)
    assert any(collective for *_, collective in rows)
    assert world.count(PetitionConflict) == 1
    # Every demo petition opens on the pages.
    world.login("leader")
    listing = world.page().get_data(as_text=True)
    assert listing.count("data-petition-id=") == 6
    for pid in world.in_tenant("county", lambda: list(db.session.scalars(select(Petition.id)))):
        assert world.page(f"/{pid}").status_code == 200
