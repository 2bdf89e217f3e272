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

from core.tenancy.scope import PLATFORM_WRITER

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

#: The tenant policy's functions (roll-up core_0008, issue 14 core_0009). The policy
#: (:data:`VISIBLE`) is two index conditions on the tenant-leading indexes:
#: ``tenant_id = <tenant in scope>`` and ``tenant_id = ANY (<array of opened tenants>)``.
#: Each function sits in a scalar sub-select, so PostgreSQL evaluates it once per statement
#: (an InitPlan) and uses the value as an index key or a filter constant: the list of
#: opened tenants (a province's 3,000+ counties for a roll-up) is parsed once, not per row
#: (per row, 30,000 petitions took 20 s), and a statement relying on RLS alone becomes a
#: BitmapOr of two index scans instead of a scan of every row (the former CASE hid
#: ``tenant_id`` from the planner). "Every tenant" ('*', the platform's scope) is the array
#: of all tenant ids, read once per statement and only in that scope, so it needs no
#: third, non-indexable ``OR`` arm. PARALLEL SAFE: settings reach parallel workers;
#: without it no query on a tenant table could run in parallel.
VISIBILITY_FUNCTIONS = """
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

-- NULL when nothing is opened (tenant_id = ANY (NULL) admits no row).
CREATE OR REPLACE FUNCTION zugong_read_tenants() RETURNS bigint[]
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT CASE coalesce(current_setting('app.read_tenants', true), '')
    WHEN '' THEN NULL
    WHEN '*' THEN ARRAY(SELECT id FROM tenants)
    ELSE string_to_array(current_setting('app.read_tenants', true), ',')::bigint[]
  END
$$;

CREATE OR REPLACE FUNCTION zugong_tenant_visible(t bigint) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT t = zugong_current_tenant() OR t = ANY (zugong_read_tenants())
$$;
"""

#: The read condition of the ``tenant_isolation`` policy (core_0009 onwards): the same rows
#: as ``zugong_tenant_visible(tenant_id)``.
VISIBLE = (
    "(tenant_id = (SELECT zugong_current_tenant()) "
    "OR tenant_id = ANY ((SELECT zugong_read_tenants())::bigint[]))"
)
#: The roll-up's read condition (core_0008 to core_0009): kept for those migrations.
ROLLUP_VISIBLE = (
    "(tenant_id = (SELECT zugong_current_tenant()) OR (SELECT zugong_reads_all()) "
    "OR tenant_id IN (SELECT zugong_read_tenant_ids()))"
)
#: Writes land only in the tenant in scope.
WRITABLE = "(tenant_id = zugong_current_tenant())"


#: The tenants a platform write scope (role :data:`PLATFORM_WRITER`) opens for writing (NULL outside one). ``current_user``
#: is checked as well as the policy's ``TO``: a member that inherits the role's policies
#: must still have switched to it, so setting ``app.write_tenants`` alone opens nothing.
PLATFORM_WRITE_FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION zugong_write_tenants() RETURNS bigint[]
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN current_user <> '{PLATFORM_WRITER}' THEN NULL
    WHEN coalesce(current_setting('app.write_tenants', true), '') = '' THEN NULL
    WHEN current_setting('app.write_tenants', true) = '*' THEN ARRAY(SELECT id FROM tenants)
    ELSE string_to_array(current_setting('app.write_tenants', true), ',')::bigint[]
  END
$$;
"""
#: Reads and writes of the platform write scope: one index condition, evaluated once.
PLATFORM_WRITABLE = "(tenant_id = ANY ((SELECT zugong_write_tenants())::bigint[]))"

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
        op.execute(VISIBILITY_FUNCTIONS)


def enable(table: str) -> None:
    if not is_postgres():
        return
    # Plugins' first migrations may run before core_0009 (their own branches): the
    # functions the policy calls are (re)created here, idempotently.
    op.execute(VISIBILITY_FUNCTIONS)
    op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    op.execute(policy_sql(table))
    tenant_primary_key(table)
    enable_platform_writes(table)


def create_platform_writer() -> None:
    """The role and the function of :data:`PLATFORM_WRITER` (idempotent; roles are
    cluster-wide, so another database of the server may have created it already)."""
    if not is_postgres():
        return
    op.execute(
        "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = "
        f"'{PLATFORM_WRITER}') THEN CREATE ROLE {PLATFORM_WRITER} NOLOGIN NOSUPERUSER "
        "NOBYPASSRLS NOINHERIT; END IF; END $$"
    )
    op.execute(f"GRANT USAGE ON SCHEMA public TO {PLATFORM_WRITER}")
    op.execute(PLATFORM_WRITE_FUNCTIONS)


def enable_platform_writes(table: str) -> None:
    """Give ``table`` the ``platform_write`` policy (see :data:`PLATFORM_WRITER`)."""
    if not is_postgres():
        return
    create_platform_writer()
    op.execute(f"DROP POLICY IF EXISTS platform_write ON {table}")
    op.execute(
        f"CREATE POLICY platform_write ON {table} FOR ALL TO {PLATFORM_WRITER} "
        f"USING {PLATFORM_WRITABLE} WITH CHECK {PLATFORM_WRITABLE}"
    )
    op.execute(f"GRANT SELECT, INSERT, UPDATE ON {table} TO {PLATFORM_WRITER}")


def tenant_primary_key(table: str) -> None:
    """Make ``table``'s primary key lead with ``tenant_id`` (core_0009, issue 14): Citus
    distributes a table by ``tenant_id`` only if its primary key includes it. The ORM
    keeps identifying rows by ``id`` alone (one sequence per table keeps it unique), and
    the ``(tenant_id, id)`` unique constraint stays: the composite foreign keys use it."""
    if not is_postgres():
        return
    row = (
        op.get_bind()
        .exec_driver_sql(
            "SELECT c.conname, array(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY"
            " k(n, o) JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n"
            " ORDER BY k.o)::text[] FROM pg_constraint c"
            " WHERE c.contype = 'p' AND c.conrelid = %(t)s::regclass",
            {"t": table},
        )
        .first()
    )
    if row is None or "tenant_id" in row[1]:
        return
    name, columns = row
    op.execute(
        f"ALTER TABLE {table} DROP CONSTRAINT {name}, "
        f"ADD CONSTRAINT {name} PRIMARY KEY (tenant_id, {', '.join(columns)})"
    )


def policy_sql(table: str) -> str:
    """The ``tenant_isolation`` policy of ``table`` (see :data:`VISIBLE`)."""
    return f"CREATE POLICY tenant_isolation ON {table} USING ({VISIBLE}) WITH CHECK ({WRITABLE})"


def recreate_policies() -> None:
    """Re-create every table's ``tenant_isolation`` policy as :func:`policy_sql` says, and
    lead its primary key with ``tenant_id``, whichever migration (core's or a plugin's)
    created the table."""
    if not is_postgres():
        return
    op.execute(VISIBILITY_FUNCTIONS)
    tables = op.get_bind().exec_driver_sql(
        "SELECT tablename FROM pg_policies WHERE schemaname = current_schema()"
        " AND policyname = 'tenant_isolation' ORDER BY tablename"
    )
    for (table,) in tables.all():
        op.execute(f"DROP POLICY tenant_isolation ON {table}")
        op.execute(policy_sql(table))
        tenant_primary_key(table)


def disable(table: str) -> None:
    if is_postgres():
        op.execute(f"DROP POLICY IF EXISTS platform_write ON {table}")
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
