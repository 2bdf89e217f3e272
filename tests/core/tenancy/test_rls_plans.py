"""The row-level security policy can use the tenant-leading indexes (issue 14).

A statement that relies on RLS alone for its tenant (no ORM criterion: a raw count)
must be answered from an index on ``tenant_id``, not by reading every row. The plan's
shape is asserted (EXPLAIN (FORMAT JSON)), never a time.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import create_engine, pool, text

from core.db import db
from core.tenancy.scope import cross_tenant_scope, tenant_scope
from core.tenancy.session import TENANT_CHECKED

RAW = {TENANT_CHECKED: True}
TENANTS, ROLES_PER_TENANT = 200, 100  # 20,000 rows: a sequential scan would be costly


@pytest.fixture
def many_roles(pg_app) -> int:
    """20,000 roles over 200 tenants, inserted set-based as the owner; one tenant's id."""
    owner = create_engine(pg_app.config["OWNER_DATABASE_URL"], poolclass=pool.NullPool)
    with owner.begin() as conn:
        conn.execute(
            text(
                "insert into tenants (slug, name, kind, locality_code, is_active, created_at) "
                "select 'plan' || n, 'plan' || n, 'county_org_dept', '330122', true, now() "
                "from generate_series(1, :n) n"
            ),
            {"n": TENANTS},
        )
        conn.execute(
            text(
                "insert into roles (tenant_id, key, title, permissions, created_at) "
                "select t.id, 'r' || k, 'r', '[]', now() from tenants t, "
                "generate_series(1, :k) k where t.slug like 'plan%'"
            ),
            {"k": ROLES_PER_TENANT},
        )
        conn.execute(text("analyze tenants"))
        conn.execute(text("analyze roles"))
        tenant = conn.scalar(text("select id from tenants where slug = 'plan7'"))
    owner.dispose()
    return tenant


def _plan(sql: str) -> dict[str, Any]:
    raw = db.session.execute(text(f"explain (format json) {sql}"), execution_options=RAW).scalar()
    return (raw if isinstance(raw, list) else json.loads(raw))[0]["Plan"]


def _nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", ()):
        yield from _nodes(child)


def _roles_indexes_leading_with_tenant_id() -> set[str]:
    rows = db.session.execute(
        text("select indexname, indexdef from pg_indexes where tablename = 'roles'"),
        execution_options=RAW,
    ).all()
    return {name for name, definition in rows if "(tenant_id" in definition}


def _scans_roles_by_tenant(plan: dict[str, Any]) -> bool:
    return any(
        node["Node Type"] in ("Index Scan", "Index Only Scan", "Bitmap Index Scan")
        and "tenant_id" in node.get("Index Cond", "")
        and node.get("Index Name", "") in _roles_indexes_leading_with_tenant_id()
        for node in _nodes(plan)
    )


def test_an_rls_only_count_uses_the_tenant_index(pg_app, many_roles):
    with pg_app.app_context(), tenant_scope(many_roles):
        plan = _plan("select count(*) from roles")
        count = db.session.execute(text("select count(*) from roles"), execution_options=RAW)
        assert count.scalar() == ROLES_PER_TENANT
        assert _scans_roles_by_tenant(plan), json.dumps(plan, indent=1)
        db.session.rollback()
    assert not any(n["Node Type"] == "Seq Scan" for n in _nodes(plan)), json.dumps(plan)


def test_a_cross_tenant_read_of_named_tenants_uses_the_index_too(pg_app, many_roles):
    with pg_app.app_context(), tenant_scope(many_roles):
        with cross_tenant_scope("plan test", [many_roles + 1, many_roles + 2]):
            plan = _plan("select count(*) from roles")
            count = db.session.execute(text("select count(*) from roles"), execution_options=RAW)
            assert count.scalar() == 3 * ROLES_PER_TENANT
            assert _scans_roles_by_tenant(plan), json.dumps(plan, indent=1)
        db.session.rollback()


def test_the_policy_functions_are_stable_and_parallel_safe(pg_app):
    with pg_app.app_context():
        rows = db.session.execute(
            text(
                "select proname, provolatile, proparallel from pg_proc "
                "where proname in ('zugong_current_tenant', 'zugong_read_tenants')"
            ),
            execution_options=RAW,
        ).all()
    assert sorted(map(tuple, rows)) == [
        ("zugong_current_tenant", "s", "s"),
        ("zugong_read_tenants", "s", "s"),
    ]


def test_every_tenant_policy_is_the_indexable_one(pg_app):
    with pg_app.app_context():
        quals = db.session.execute(
            text("select tablename, qual from pg_policies where policyname = 'tenant_isolation'"),
            execution_options=RAW,
        ).all()
    assert quals
    assert [t for t, q in quals if "zugong_current_tenant()" not in q or "CASE" in q] == []


def _init_plans(plan: dict[str, Any]) -> list[dict[str, Any]]:
    return [n for n in _nodes(plan) if n.get("Parent Relationship") == "InitPlan"]


def test_a_subtree_of_3000_tenants_is_read_through_the_policy_once_per_statement(
    pg_app, many_roles
):
    """A roll-up's scope (a province opening its 3,000 counties): the policy sees every
    opened tenant's rows and no other, and the list of opened tenants is an InitPlan (one
    evaluation per statement, then a bound array the scan compares against), not a
    function the filter calls per row."""
    with pg_app.app_context():
        first = db.session.scalar(
            text("select min(id) from tenants where slug like 'plan%'"), execution_options=RAW
        )
    opened = [first + n for n in range(TENANTS)] + [10_000_000 + n for n in range(2_800)]
    with pg_app.app_context(), tenant_scope(many_roles):
        with cross_tenant_scope("plan test: roll-up", opened):
            plan = _plan("select count(*) from roles")
            count = db.session.execute(text("select count(*) from roles"), execution_options=RAW)
            assert count.scalar() == TENANTS * ROLES_PER_TENANT
        db.session.rollback()
    assert len(_init_plans(plan)) == 2, json.dumps(plan, indent=1)
    # core_0008's ``tenant_id IN (SELECT zugong_read_tenant_ids())`` was a hashed SubPlan:
    # once per statement too, but no index condition.
    assert not any(n.get("Parent Relationship") == "SubPlan" for n in _nodes(plan))
    filters = " ".join(n.get("Filter", "") + n.get("Index Cond", "") for n in _nodes(plan))
    assert "zugong_" not in filters and "string_to_array" not in filters, filters


def test_reading_every_tenant_sees_every_row_through_the_same_policy(pg_app, many_roles):
    with pg_app.app_context():
        total = db.session.execute(
            text("select count(*) from roles"), execution_options=RAW
        )  # no scope: RLS shows nothing
        assert total.scalar() == 0
        db.session.rollback()
        with cross_tenant_scope("plan test: platform"):
            count = db.session.execute(text("select count(*) from roles"), execution_options=RAW)
            assert count.scalar() >= TENANTS * ROLES_PER_TENANT
            mine = db.session.execute(
                text("select count(*) from roles where tenant_id = :t"),
                {"t": many_roles},
                execution_options=RAW,
            )
            assert mine.scalar() == ROLES_PER_TENANT
        db.session.rollback()
