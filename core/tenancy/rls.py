"""PostgreSQL row-level security for tenant-owned tables (used by migrations).

Each tenant-owned table gets ``ENABLE`` and ``FORCE ROW LEVEL SECURITY`` and one policy:
rows are visible when their tenant is the one in scope or one a cross-tenant scope
opened, and writable only into the tenant in scope. The scope arrives through the
transaction-local settings ``app.tenant_id`` and ``app.read_tenants`` that
:mod:`core.tenancy.session` sets at the start of every transaction.

Tables of grantable models get a second, read-only policy (:func:`enable_grant_reads`):
in a granted scope (``app.read_grants``), a row is also visible to the tenant a grant
row names. Policies of one command are OR-ed, so reads see own rows or granted ones,
while UPDATE and DELETE (which the grant policy does not cover) still reach only the
tenant in scope, and WITH CHECK still admits only rows of that tenant.
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

#: Added with the roll-up (core_0007): the policy reads each setting once per statement
#: (the scalar sub-selects become InitPlans) and hashes the opened tenants once (an
#: uncorrelated IN becomes a hashed SubPlan). Calling ``zugong_tenant_visible`` per row
#: parsed the list of opened tenants again for every row: with a province's 3,000
#: counties opened, 30,000 petitions took 20 s instead of 0.05 s.
VISIBILITY_FUNCTIONS = """
-- PARALLEL SAFE: they read settings, which parallel workers receive; without it no
-- query on a tenant table could run in parallel.
CREATE OR REPLACE FUNCTION zugong_current_tenant() RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT nullif(current_setting('app.tenant_id', true), '')::bigint
$$;

CREATE OR REPLACE FUNCTION zugong_reads_all() RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT coalesce(current_setting('app.read_tenants', true), '') = '*'
$$;

-- No rows for '' (nothing opened) and for '*' (zugong_reads_all says it).
CREATE OR REPLACE FUNCTION zugong_read_tenant_ids() RETURNS SETOF bigint
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT unnest(string_to_array(
    nullif(nullif(current_setting('app.read_tenants', true), ''), '*'), ',')::bigint[])
$$;
"""

#: The read test of the tenant policy: the same rows as ``zugong_tenant_visible(tenant_id)``.
VISIBLE = (
    "(tenant_id = (SELECT zugong_current_tenant()) OR (SELECT zugong_reads_all()) "
    "OR tenant_id IN (SELECT zugong_read_tenant_ids()))"
)

#: Added with the grants (core_0006): whether the transaction's scope reads grants.
GRANT_FUNCTIONS = """
CREATE OR REPLACE FUNCTION zugong_grants_readable() RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT coalesce(current_setting('app.read_grants', true), '') = 'on'
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
    # Plugins' first migrations may run before core_0007 (their own branches): the
    # functions the policy calls are (re)created here, idempotently.
    op.execute(VISIBILITY_FUNCTIONS)
    op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    op.execute(
        f"CREATE POLICY tenant_isolation ON {table} "
        f"USING {VISIBLE} "
        "WITH CHECK (tenant_id = zugong_current_tenant())"
    )


def disable(table: str) -> None:
    if is_postgres():
        op.execute(f"DROP POLICY IF EXISTS tenant_isolation ON {table}")
        op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")


def enable_grant_reads(
    table: str, *, kind: str | None = None, kind_column: str | None = None, id_column: str = "id"
) -> None:
    """Let the grantee read rows of ``table`` that a grant names (see
    :class:`core.tenancy.grants.Grantable` for ``kind``/``kind_column``/``id_column``)."""
    if not is_postgres():
        return
    if (kind is None) == (kind_column is None):
        raise ValueError("name either the kind or the kind column")
    kind_sql = f"{table}.{kind_column}" if kind_column else "'" + kind.replace("'", "''") + "'"
    op.execute(
        f"CREATE POLICY grant_read ON {table} FOR SELECT USING ("
        "zugong_grants_readable() AND EXISTS (SELECT 1 FROM record_grants g "
        f"WHERE g.tenant_id = {table}.tenant_id AND g.record_kind = {kind_sql} "
        f"AND g.record_id = {table}.{id_column} "
        "AND g.grantee_tenant_id = zugong_current_tenant()))"
    )


def disable_grant_reads(table: str) -> None:
    if is_postgres():
        op.execute(f"DROP POLICY IF EXISTS grant_read ON {table}")
