"""PostgreSQL row-level security for tenant-owned tables (used by migrations).

Each tenant-owned table gets ``ENABLE`` and ``FORCE ROW LEVEL SECURITY`` and one policy:
rows are visible when their tenant is the one in scope or one a cross-tenant scope
opened, and writable only into the tenant in scope. The scope arrives through the
transaction-local settings ``app.tenant_id`` and ``app.read_tenants`` that
:mod:`core.tenancy.session` sets at the start of every transaction.
"""

from __future__ import annotations

from alembic import op

FUNCTIONS = """
CREATE OR REPLACE FUNCTION zugong_current_tenant() RETURNS bigint
LANGUAGE sql STABLE AS $$
  SELECT nullif(current_setting('app.tenant_id', true), '')::bigint
$$;

-- CASE, not OR: SQL does not promise to evaluate OR left to right, and '*' is no bigint.
CREATE OR REPLACE FUNCTION zugong_tenant_visible(t bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT CASE
    WHEN t = nullif(current_setting('app.tenant_id', true), '')::bigint THEN true
    WHEN coalesce(current_setting('app.read_tenants', true), '') = '*' THEN true
    WHEN coalesce(current_setting('app.read_tenants', true), '') = '' THEN false
    ELSE t = ANY (string_to_array(current_setting('app.read_tenants', true), ',')::bigint[])
  END
$$;
"""


def is_postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def create_functions() -> None:
    if is_postgres():
        op.execute(FUNCTIONS)


def enable(table: str) -> None:
    if not is_postgres():
        return
    op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    op.execute(
        f"CREATE POLICY tenant_isolation ON {table} "
        "USING (zugong_tenant_visible(tenant_id)) "
        "WITH CHECK (tenant_id = zugong_current_tenant())"
    )


def disable(table: str) -> None:
    if is_postgres():
        op.execute(f"DROP POLICY IF EXISTS tenant_isolation ON {table}")
        op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
