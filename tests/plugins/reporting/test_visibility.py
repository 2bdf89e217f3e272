"""The planned exception to isolation, state by state: an item (and the rows that follow
it) is read by its own tenant and by the levels it was submitted or forwarded to, and by
no sibling, cousin or level it never reached — with the ORM criteria on, and with them
off (PostgreSQL row-level security alone)."""

from __future__ import annotations

import pytest
from sqlalchemy import event, func, select

from core.db import db
from core.tenancy import session as scoped_session
from plugins.reporting import queries, services
from plugins.reporting.models import ItemVersion, ReportItem, Submission

EVERYONE = ("county", "city", "province", "sibling", "other_city", "cousin")


@pytest.fixture(params=["orm-and-rls", "rls-only"])
def criteria(request, app):
    if request.param == "rls-only":
        if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
            pytest.skip("row-level security is PostgreSQL's")
        listener = scoped_session._scope_statement
        event.remove(scoped_session.TenantSession, "do_orm_execute", listener)
        request.addfinalizer(
            lambda: event.listen(scoped_session.TenantSession, "do_orm_execute", listener)
        )
    return request.param


def _decide(as_tenant, slug, item, move, actor, comment=None):
    with as_tenant(slug):
        services.decide(queries.received_submission(item), move, actor, comment=comment)
        db.session.flush()


def _to_state(state, submitted, new_item, people, as_tenant):
    if state in ("draft", "awaiting_approval"):
        item = new_item()
        if state == "awaiting_approval":
            with as_tenant("county"):
                services.move_item(item, "send_for_approval", people["writer"])
        return item
    item = submitted()
    editor = people["city_editor"]
    if state == "returned":
        _decide(as_tenant, "city", item, "return", editor, comment="请修改")
    elif state == "declined":
        _decide(as_tenant, "city", item, "decline", editor)
    elif state in ("adopted", "forwarded"):
        _decide(as_tenant, "city", item, "adopt", editor)
        if state == "forwarded":
            _decide(as_tenant, "city", item, "forward", editor)
    elif state == "withdrawn":
        with as_tenant("county"):
            services.move_item(item, "withdraw", people["writer"])
    return item


EXPECTED = {
    "draft": {"county"},
    "awaiting_approval": {"county"},
    "submitted": {"county", "city"},
    "returned": {"county", "city"},
    "declined": {"county", "city"},
    "adopted": {"county", "city"},
    "forwarded": {"county", "city", "province"},
    "withdrawn": {"county"},
}


@pytest.mark.parametrize("state", list(EXPECTED))
def test_exactly_the_levels_it_reached_read_an_item(
    state, criteria, submitted, new_item, people, as_tenant
):
    item = _to_state(state, submitted, new_item, people, as_tenant)
    item_id = item.id
    db.session.commit()
    readers, versions, submissions = set(), {}, {}
    for slug in EVERYONE:
        with as_tenant(slug):
            if db.session.get(ReportItem, item_id) is not None:
                readers.add(slug)
            versions[slug] = db.session.scalar(
                select(func.count()).select_from(ItemVersion).where(ItemVersion.item_id == item_id)
            )
            submissions[slug] = db.session.scalar(
                select(func.count()).select_from(Submission).where(Submission.item_id == item_id)
            )
    assert readers == EXPECTED[state]
    # The rows that follow the item follow its grant.
    assert {s for s, n in versions.items() if n} <= readers
    assert {s for s, n in submissions.items() if n} <= readers
    if state not in ("draft", "awaiting_approval"):
        assert {s for s, n in submissions.items() if n} == readers
