"""The platform write scope: a platform job writes the rows of several tenants in one
statement; a request, a job acting for a user, and raw SQL outside the scope never can.

On PostgreSQL the writes are admitted by the ``platform_write`` policy of the platform
writer role, which the scope switches to for its transaction; on SQLite (no RLS) the
ORM's check is all there is, and it admits another tenant's row only in this scope.
"""

from __future__ import annotations

import pytest
from flask import g
from sqlalchemy import select, text, update

from core.audit.models import AuditEntry
from core.auth.users import system_actor
from core.db import db
from core.jobs.dispatch import JobCall
from core.jobs.runner import run
from core.orgs.models import OrgUnit
from core.tenancy.models import platform_tenant
from core.tenancy.scope import (
    CrossTenantWrite,
    PlatformWriteRefused,
    platform_write_scope,
    tenant_scope,
)
from core.tenancy.session import TENANT_CHECKED

RAW = {TENANT_CHECKED: True}


def _seed(app, factory) -> tuple[int, int, int]:
    ids = [factory.tenant(slug) for slug in ("alpha", "beta", "gamma")]
    with app.app_context():
        for tenant, name in zip(ids, ("甲支部", "乙支部", "丙支部"), strict=True):
            with tenant_scope(tenant):
                db.session.add(OrgUnit(name=name, kind="branch"))
        db.session.commit()
    return ids[0], ids[1], ids[2]


def _names(app, tenant_id: int) -> list[str]:
    with app.app_context(), tenant_scope(tenant_id):
        return list(db.session.scalars(select(OrgUnit.name)))


def rename_all(tenant_ids: list[int], *, filtered: bool = True) -> int:
    """A platform job: one set-based UPDATE over the tenants it opens (which it names
    itself, as every ``tenant_checked`` statement must; ``filtered=False`` leaves that
    to row-level security, to show that it holds on PostgreSQL)."""
    table = OrgUnit.__table__
    with platform_write_scope("test: rename", tenant_ids):
        statement = update(table).values(name=table.c.name + "·改")
        if filtered:
            statement = statement.where(table.c.tenant_id.in_(tenant_ids))
        return db.session.execute(statement, execution_options=RAW).rowcount


def test_a_platform_job_updates_two_tenants_rows_in_one_statement(app, factory):
    alpha, beta, gamma = _seed(app, factory)
    result = run(
        app, JobCall(f"{__name__}:rename_all", None, None, None, {"tenant_ids": [alpha, beta]})
    )
    assert result == 2
    assert (_names(app, alpha), _names(app, beta), _names(app, gamma)) == (
        ["甲支部·改"],
        ["乙支部·改"],
        ["丙支部"],  # not opened: untouched (RLS on PostgreSQL, the job's own SQL on SQLite)
    )
    with app.app_context(), tenant_scope(platform_tenant().id):
        (entry,) = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "platform.write")
        )
    assert entry.detail == {"reason": "test: rename", "tenants": sorted([alpha, beta])}


def test_the_orm_writes_another_tenants_row_only_inside_the_scope(app, factory):
    alpha, beta, _gamma = _seed(app, factory)
    with app.app_context():
        g.actor = system_actor()
        with platform_write_scope("test: orm", [alpha, beta]):
            units = db.session.scalars(select(OrgUnit).order_by(OrgUnit.tenant_id)).all()
            assert [u.tenant_id for u in units] == [alpha, beta]
            for unit in units:
                unit.name += "·改"
            db.session.flush()
        db.session.commit()
        with tenant_scope(alpha):
            (unit,) = db.session.scalars(select(OrgUnit)).all()
        with tenant_scope(beta):
            unit.name = "越界"
            with pytest.raises(CrossTenantWrite):
                db.session.flush()
            db.session.rollback()
    assert _names(app, beta) == ["乙支部·改"]


def test_a_request_cannot_open_it(app, client):
    with (
        app.test_request_context("/"),
        pytest.raises(PlatformWriteRefused),
        platform_write_scope("from a request"),
    ):
        pass
    # Nor does it leave an audit entry claiming it was opened.
    with app.app_context(), tenant_scope(platform_tenant().id):
        assert (
            db.session.scalar(select(AuditEntry.id).where(AuditEntry.action == "platform.write"))
            is None
        )


def test_a_job_acting_for_a_user_cannot_open_it(app, factory):
    alpha, beta, _gamma = _seed(app, factory)
    user = factory.user("alpha", "clerk")
    call = JobCall(
        f"{__name__}:rename_all", None, None, user.user_id, {"tenant_ids": [alpha, beta]}
    )
    with pytest.raises(PlatformWriteRefused):
        run(app, call)
    assert _names(app, alpha) == ["甲支部"]


def test_row_level_security_bounds_the_scope_to_the_tenants_it_names(pg_app, pg_factory):
    alpha, beta, gamma = _seed(pg_app, pg_factory)
    kwargs = {"tenant_ids": [alpha, beta], "filtered": False}
    assert run(pg_app, JobCall(f"{__name__}:rename_all", None, None, None, kwargs)) == 2
    assert _names(pg_app, gamma) == ["丙支部"]


def test_raw_sql_outside_the_scope_still_cannot_write_another_tenant(pg_app, pg_factory):
    alpha, beta, _gamma = _seed(pg_app, pg_factory)
    with pg_app.app_context(), tenant_scope(alpha):
        # The write setting by hand, without the role: the policy ignores it.
        db.session.execute(
            text("select set_config('app.write_tenants', '*', true)"), execution_options=RAW
        )
        changed = db.session.execute(
            text("update org_units set name = 'x' where tenant_id = :b"),
            {"b": beta},
            execution_options=RAW,
        ).rowcount
        assert changed == 0
        with pytest.raises(Exception, match="row-level security"):
            db.session.execute(
                text(
                    "insert into org_units (tenant_id, name, kind, sort_order, is_active,"
                    " created_at) values (:b, 'x', 'branch', 0, true, now())"
                ),
                {"b": beta},
                execution_options=RAW,
            )
        db.session.rollback()
    assert _names(pg_app, beta) == ["乙支部"]


def test_the_role_and_the_setting_end_with_the_transaction(pg_app, pg_factory):
    alpha, beta, _gamma = _seed(pg_app, pg_factory)
    probe = text("select current_user, coalesce(current_setting('app.write_tenants', true), '')")
    with pg_app.app_context():
        g.actor = system_actor()
        login = db.session.execute(probe, execution_options=RAW).one()[0]
        with platform_write_scope("test: role", [alpha, beta]):
            inside = tuple(db.session.execute(probe, execution_options=RAW).one())
        after_scope = tuple(db.session.execute(probe, execution_options=RAW).one())
        with platform_write_scope("test: role", [alpha]):
            db.session.execute(probe, execution_options=RAW)
            db.session.commit()
            after_commit = tuple(db.session.execute(probe, execution_options=RAW).one())
    assert inside == ("zugong_platform_writer", f"{alpha},{beta}")
    assert after_scope == (login, "")
    # Each transaction of the scope gets the role and the setting anew (they ended with
    # the commit; the first statement of the next one sends them again).
    assert after_commit == ("zugong_platform_writer", str(alpha))
