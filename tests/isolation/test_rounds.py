"""统计报表上报 across tenants: a sibling never sees another's submission, a descendant
never reads its parent's round or totals — with the ORM criteria on, and with row-level
security alone."""

from __future__ import annotations

import pytest
from sqlalchemy import event, select
from werkzeug.exceptions import NotFound

from core.db import db
from core.rounds import service
from core.rounds.models import RollupRound, RollupSubmission
from core.tenancy import session as scoped_session
from core.tenancy.models import Tenant
from core.tenancy.scope import tenant_scope
from tests.core.rollup.world import TODAY
from tests.core.rounds.helpers import open_round, submit, world


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


@pytest.fixture
def submitted(app, factory, set_today):
    set_today(TODAY)
    ids, users = world(app, factory)
    round_id = open_round(app, ids, users)
    submission_id = submit(app, ids, users, "county-a")
    return ids, round_id, submission_id


def test_rounds_a_sibling_never_sees_another_submission(app, submitted, criteria):
    ids, _round_id, submission_id = submitted
    with app.app_context(), tenant_scope(ids["county-b"]):
        assert db.session.get(RollupSubmission, submission_id) is None
        seen = db.session.scalars(select(RollupSubmission.tenant_id)).all()
        assert set(seen) == {ids["county-b"]}
        with pytest.raises(NotFound):
            service.submission(submission_id)


def test_rounds_a_descendant_cannot_read_the_parents_round_or_totals(app, submitted, criteria):
    ids, round_id, _submission_id = submitted
    for slug in ("county-a", "town-a1"):
        with app.app_context(), tenant_scope(ids[slug]):
            assert db.session.get(RollupRound, round_id) is None
            assert db.session.scalars(select(RollupRound)).all() == []
            with pytest.raises(NotFound):
                service.overview(db.session.get(Tenant, ids[slug]), round_id)


def test_rounds_a_cousin_sees_nothing_of_the_round(app, submitted, criteria):
    ids, round_id, _submission_id = submitted
    with app.app_context(), tenant_scope(ids["city2"]):
        with pytest.raises(NotFound):
            service.overview(db.session.get(Tenant, ids["city2"]), round_id)
        assert db.session.scalars(select(RollupSubmission)).all() == []
