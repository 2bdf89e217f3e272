"""What the detail page offers beyond the workflow's moves: a query code for a petition
registered by staff (shown once, the old one void), the notices to print, and the
leader's flag and escalation (offered only where a plugin takes escalations)."""

from __future__ import annotations

import re

from sqlalchemy import select

from core.db import db
from core.plugins.enablement import update_settings
from core.tenancy.models import Tenant
from plugins.petitions.models import Petition
from plugins.petitions.services import querycodes
from plugins.petitions.workflow import PETITION_FLOW
from tests.plugins.petitions.web import World
from tests.plugins.petitions.web import world as world  # noqa: F401 - the fixture


def open_portal(world: World) -> None:
    with world.app.app_context():
        tenant = db.session.scalar(select(Tenant).where(Tenant.slug == "county"))
        update_settings(tenant, "petitions", {"portal_enabled": True})
        db.session.commit()


def issued_code(response) -> str:
    match = re.search(r'id="issued-code">([A-Z0-9-]+)<', response.get_data(as_text=True))
    assert match, response.get_data(as_text=True)[:500]
    return match.group(1)


def test_a_letters_petitioner_gets_a_query_code_shown_once_and_the_old_one_stops_working(
    world: World,
):
    open_portal(world)
    petition = world.register()
    csrf = world.login("clerk")
    assert 'data-action="query_code"' in world.page(f"/{petition['id']}").get_data(as_text=True)

    first = issued_code(world.post_page(f"/{petition['id']}/query-code", csrf, {}))
    second = issued_code(world.post_page(f"/{petition['id']}/query-code", csrf, {}))

    def found(code: str):
        match = querycodes.find(petition["serial"], code)
        return match.id if match else None

    assert world.in_tenant("county", lambda: found(first)) is None
    assert world.in_tenant("county", lambda: found(second)) == petition["id"]
    assert len(world.audit("petition.query_code_issued")) == 2


def test_no_query_code_where_the_portal_is_closed(world: World):
    petition = world.register()
    csrf = world.login("clerk")
    assert 'data-action="query_code"' not in world.page(f"/{petition['id']}").get_data(as_text=True)
    assert world.post_page(f"/{petition['id']}/query-code", csrf, {}).status_code == 404
    assert world.call("clerk", "POST", f"/{petition['id']}/query-code").status_code == 404


def test_the_notices_offered_follow_the_petitions_state(world: World):
    petition = world.register()
    world.login("clerk")
    fresh = world.page(f"/{petition['id']}").get_data(as_text=True)
    assert 'data-action="notice_acceptance"' not in fresh
    world.fire("clerk", petition["id"], "accept")
    accepted = world.page(f"/{petition['id']}").get_data(as_text=True)
    assert 'data-action="notice_acceptance"' in accepted
    assert 'data-action="notice_reply"' not in accepted


def test_a_leader_flags_a_petition_with_a_reason(world: World):
    petition = world.register()
    csrf = world.login("leader")
    page = world.page(f"/{petition['id']}").get_data(as_text=True)
    assert 'data-action="flag"' in page
    assert 'data-action="escalate"' not in page  # no plugin here takes escalations
    assert world.page(f"/{petition['id']}/escalate").status_code == 404

    assert world.post_page(f"/{petition['id']}/flag", csrf, {"reason": ""}).status_code == 422
    assert (
        world.post_page(f"/{petition['id']}/flag", csrf, {"reason": "县委书记批示"}).status_code
        == 302
    )

    def notes():
        row = db.session.get(Petition, petition["id"])
        return row.leader_flagged, [h.transition for h in PETITION_FLOW.history(row)][-1]

    assert world.in_tenant("county", notes) == (True, "flagged")
